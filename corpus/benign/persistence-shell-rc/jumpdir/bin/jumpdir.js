#!/usr/bin/env node
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { add, query } = require('../lib/db');

const [cmd, ...args] = process.argv.slice(2);

const HOOK = {
  bash: '\n# added by `jumpdir shell-init`\neval "$(jumpdir hook bash)"\n',
  zsh: '\n# added by `jumpdir shell-init`\neval "$(jumpdir hook zsh)"\n',
};

function shellInit() {
  const shell = path.basename(process.env.SHELL || 'bash');
  const rc = path.join(os.homedir(), shell === 'zsh' ? '.zshrc' : '.bashrc');
  const line = HOOK[shell] || HOOK.bash;
  const cur = fs.existsSync(rc) ? fs.readFileSync(rc, 'utf8') : '';
  if (cur.includes('jumpdir hook')) {
    console.log(`jumpdir is already set up in ${rc}`);
    return;
  }
  if (!args.includes('--yes')) {
    console.log(`This will append the following to ${rc}:\n${line}\nRe-run with --yes to confirm.`);
    return;
  }
  fs.appendFileSync(rc, line);
  console.log(`Added jumpdir hook to ${rc}. Open a new shell to use \`j <dir>\`.`);
}

function hook(shell) {
  if (shell === 'zsh') {
    process.stdout.write('j() { cd "$(jumpdir query "$@")"; }\nautoload -U add-zsh-hook\n_jumpdir_add() { jumpdir add "$PWD" }\nadd-zsh-hook chpwd _jumpdir_add\n');
  } else {
    process.stdout.write('j() { cd "$(jumpdir query "$@")"; }\n_jumpdir_add() { jumpdir add "$PWD"; }\nPROMPT_COMMAND="_jumpdir_add${PROMPT_COMMAND:+;$PROMPT_COMMAND}"\n');
  }
}

switch (cmd) {
  case 'shell-init': shellInit(); break;
  case 'hook': hook(args[0]); break;
  case 'add': add(path.resolve(args[0] || process.cwd())); break;
  case 'query': { const r = query(args); if (r[0]) process.stdout.write(r[0]); else process.exitCode = 1; break; }
  default: console.log('usage: jumpdir <shell-init [--yes] | hook <bash|zsh> | add <dir> | query <words...>>');
}
