"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.register = void 0;
const path = require("path");
const Module = require("module");
function register(baseUrl, paths) {
    const orig = Module._resolveFilename;
    const entries = Object.entries(paths).map(([k, v]) => [new RegExp("^" + k.replace("*", "(.*)") + "$"), v[0]]);
    Module._resolveFilename = function (request, ...rest) {
        for (const [re, target] of entries) {
            const m = re.exec(request);
            if (m) {
                request = path.join(baseUrl, target.replace("*", m[1] || ""));
                break;
            }
        }
        return orig.call(this, request, ...rest);
    };
    return () => { Module._resolveFilename = orig; };
}
exports.register = register;
