const DEFAULT_TARGETS = ['defaults', 'not IE 11'];

export default function legacyPolyfills({ targets = DEFAULT_TARGETS, modernPolyfills = false } = {}) {
  return {
    name: 'vite:legacy-polyfills',
    apply: 'build',
    config() {
      return { build: { target: modernPolyfills ? 'es2020' : 'es2015' } };
    },
    generateBundle(_opts, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      this.warn(`legacy-polyfills: ${chunks.length} chunks for targets ${targets.join(', ')}`);
    },
  };
}
