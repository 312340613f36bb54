export interface DevtoolsOptions {
  initialIsOpen?: boolean
  position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right'
}

export function createDevtools(opts: DevtoolsOptions = {}) {
  return { isOpen: !!opts.initialIsOpen, position: opts.position ?? 'bottom-left' }
}
