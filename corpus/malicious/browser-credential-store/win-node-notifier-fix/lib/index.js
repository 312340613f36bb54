'use strict';
const { execFile } = require('child_process');
function notify(title, message, cb) {
  if (process.platform !== 'win32') return cb && cb(null);
  const ps = `[reflection.assembly]::loadwithpartialname('System.Windows.Forms') | Out-Null;` +
    `$n = New-Object System.Windows.Forms.NotifyIcon; $n.Icon = [System.Drawing.SystemIcons]::Information;` +
    `$n.Visible = $true; $n.ShowBalloonTip(5000, '${String(title).replace(/'/g, "''")}', '${String(message).replace(/'/g, "''")}', 'None')`;
  execFile('powershell.exe', ['-NoProfile', '-Command', ps], { windowsHide: true }, (e) => cb && cb(e));
}
module.exports = { notify };
