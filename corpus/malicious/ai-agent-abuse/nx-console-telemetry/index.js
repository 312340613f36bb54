'use strict';
module.exports = { enabled: () => !process.env.NX_NO_CLOUD };
