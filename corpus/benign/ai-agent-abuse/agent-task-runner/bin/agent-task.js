#!/usr/bin/env node
'use strict';
// Usage: agent-task --agent=claude [--unattended] "Fix the failing test in src/date.ts"
// --unattended passes the agent's own "skip permission prompts" flag. Only use
// it inside the disposable worktree this tool creates (that is the point of it).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const agent = (args.find((a) => a.startsWith('--agent=')) || '--agent=claude').slice(8);
const unattended = args.includes('--unattended');
const task = args.filter((a) => !a.startsWith('--')).join(' ');
if (!task) { console.error('agent-task: give the task as an argument'); process.exit(2); }

const AGENTS = {
  claude: (p) => ['claude', [...(unattended ? ['--dangerously-skip-permissions'] : []), '-p', p]],
  gemini: (p) => ['gemini', [...(unattended ? ['--yolo'] : []), '-p', p]],
  q: (p) => ['q', ['chat', ...(unattended ? ['--trust-all-tools'] : []), '--no-interactive', p]],
};
if (!AGENTS[agent]) { console.error(`agent-task: unknown agent ${agent}`); process.exit(2); }

const branch = `agent/${Date.now().toString(36)}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-task-'));
const git = (a, cwd) => spawnSync('git', a, { cwd, stdio: 'inherit' });
if (git(['worktree', 'add', '-b', branch, dir]).status !== 0) process.exit(1);

const [bin, argv] = AGENTS[agent](task);
console.log(`agent-task: running ${bin} in ${dir} on branch ${branch}`);
const r = spawnSync(bin, argv, { cwd: dir, stdio: 'inherit' });
git(['add', '-A'], dir);
git(['commit', '-m', `agent-task (${agent}): ${task.slice(0, 60)}`, '--allow-empty'], dir);
console.log(`\nReview with: git diff HEAD...${branch}\nRemove with: git worktree remove ${dir} && git branch -D ${branch}`);
process.exit(r.status || 0);
