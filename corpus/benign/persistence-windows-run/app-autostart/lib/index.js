'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { promisify } = require('util');
const run = promisify(execFile);

const RUN_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';

class AutoStart {
  constructor({ name, appPath = process.execPath, args = [] }) {
    if (!name) throw new Error('name is required');
    this.name = name;
    this.appPath = appPath;
    this.args = args;
  }

  get plistPath() {
    return path.join(os.homedir(), 'Library', 'LaunchAgents', `com.${this.name.replace(/\W/g, '')}.autostart.plist`);
  }

  get desktopPath() {
    return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'autostart', `${this.name}.desktop`);
  }

  async enable() {
    const cmd = [this.appPath, ...this.args];
    if (process.platform === 'win32') {
      await run('reg', ['add', RUN_KEY, '/v', this.name, '/t', 'REG_SZ', '/d', cmd.map((c) => `"${c}"`).join(' '), '/f'], { windowsHide: true });
    } else if (process.platform === 'darwin') {
      const items = cmd.map((c) => `    <string>${c.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`).join('\n');
      fs.mkdirSync(path.dirname(this.plistPath), { recursive: true });
      fs.writeFileSync(this.plistPath, `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>com.${this.name.replace(/\W/g, '')}.autostart</string>
  <key>ProgramArguments</key>
  <array>
${items}
  </array>
  <key>RunAtLoad</key><true/>
</dict>
</plist>
`);
    } else {
      fs.mkdirSync(path.dirname(this.desktopPath), { recursive: true });
      fs.writeFileSync(this.desktopPath, `[Desktop Entry]\nType=Application\nName=${this.name}\nExec=${cmd.join(' ')}\nX-GNOME-Autostart-enabled=true\n`);
    }
  }

  async disable() {
    if (process.platform === 'win32') {
      await run('reg', ['delete', RUN_KEY, '/v', this.name, '/f'], { windowsHide: true }).catch(() => {});
    } else if (process.platform === 'darwin') {
      try { fs.unlinkSync(this.plistPath); } catch (e) {}
    } else {
      try { fs.unlinkSync(this.desktopPath); } catch (e) {}
    }
  }

  async isEnabled() {
    if (process.platform === 'win32') {
      try { await run('reg', ['query', RUN_KEY, '/v', this.name], { windowsHide: true }); return true; } catch (e) { return false; }
    }
    return fs.existsSync(process.platform === 'darwin' ? this.plistPath : this.desktopPath);
  }
}

module.exports = AutoStart;
