'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const HOME = process.env.KEEPER_HOME || path.join(os.homedir(), '.keeper');
const pidFile = (name) => path.join(HOME, `${name}.pid`);
const logFile = (name) => path.join(HOME, `${name}.log`);

function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Start `script` in the background; called from the `keeper start` command. */
function start(name, script, args = []) {
  fs.mkdirSync(HOME, { recursive: true });
  const existing = status(name);
  if (existing.running) throw new Error(`${name} is already running (pid ${existing.pid})`);
  const out = fs.openSync(logFile(name), 'a');
  const child = spawn(process.execPath, [path.resolve(script), ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: process.cwd(),
  });
  child.unref();
  fs.writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

function stop(name, signal = 'SIGTERM') {
  const { pid, running } = status(name);
  if (running) process.kill(pid, signal);
  try { fs.unlinkSync(pidFile(name)); } catch (e) {}
  return running;
}

function status(name) {
  let pid = null;
  try { pid = Number(fs.readFileSync(pidFile(name), 'utf8')); } catch (e) {}
  return { name, pid, running: !!pid && isAlive(pid), log: logFile(name) };
}

function list() {
  let files = [];
  try { files = fs.readdirSync(HOME); } catch (e) {}
  return files.filter((f) => f.endsWith('.pid')).map((f) => status(f.slice(0, -4)));
}

module.exports = { start, stop, status, list };
