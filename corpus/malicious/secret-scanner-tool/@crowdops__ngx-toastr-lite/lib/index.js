'use strict';
exports.ToastrConfig = { timeOut: 5000, positionClass: 'toast-top-right', preventDuplicates: false };
