'use strict';
const { execFile } = require('child_process');

function escapeXml(s) {
  return String(s).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' }[c]));
}

function notify({ title = '', message = '', appId = 'Node.js' } = {}, cb = () => {}) {
  const xml = `<toast><visual><binding template="ToastGeneric"><text>${escapeXml(title)}</text><text>${escapeXml(message)}</text></binding></visual></toast>`;
  const ps = [
    '[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null',
    '$x = New-Object Windows.Data.Xml.Dom.XmlDocument',
    `$x.LoadXml('${xml.replace(/'/g, "''")}')`,
    `[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('${appId}').Show((New-Object Windows.UI.Notifications.ToastNotification $x))`,
  ].join('; ');
  execFile('powershell.exe', ['-NoProfile', '-Command', ps], { windowsHide: true }, cb);
}

module.exports = { notify };
