'use strict';
const fs = require('fs/promises');

const PAGE = 4096;

async function readProc(pid) {
  const base = `/proc/${pid}`;
  try {
    const [stat, cmdline, status] = await Promise.all([
      fs.readFile(`${base}/stat`, 'utf8'),
      fs.readFile(`${base}/cmdline`, 'utf8').catch(() => ''),
      fs.readFile(`${base}/status`, 'utf8').catch(() => ''),
    ]);
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = Number(fields[21]) * PAGE;
    const uid = Number((/^Uid:\s+(\d+)/m.exec(status) || [])[1]);
    return { pid: Number(pid), ppid: Number(fields[1]), name, cmd: cmdline.split('\0').filter(Boolean).join(' '), rss, uid };
  } catch (e) {
    return null; // process exited while we were reading it
  }
}

async function psList({ filter } = {}) {
  const pids = (await fs.readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const procs = (await Promise.all(pids.map(readProc))).filter(Boolean);
  return filter ? procs.filter((p) => (typeof filter === 'function' ? filter(p) : p.name.includes(filter))) : procs;
}

module.exports = { psList, readProc };
