export default function envCompat(options = {}) {
  const prefix = options.prefix || 'VITE_';
  return {
    name: 'vite-plugin-env-compat',
    config(_, { mode }) {
      const define = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (k.startsWith(prefix)) define[`process.env.${k}`] = JSON.stringify(v);
      }
      define['process.env.NODE_ENV'] = JSON.stringify(mode);
      return { define };
    },
  };
}
