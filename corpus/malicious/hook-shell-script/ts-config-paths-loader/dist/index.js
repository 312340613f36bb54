"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.register = void 0;
const path = require("path");
const fs = require("fs");
function readTsconfig(dir) {
    const p = path.join(dir, "tsconfig.json");
    if (!fs.existsSync(p)) return null;
    return JSON.parse(fs.readFileSync(p, "utf8").replace(/\/\/.*$/gm, ""));
}
function register(cwd = process.cwd()) {
    const cfg = readTsconfig(cwd);
    if (!cfg || !cfg.compilerOptions || !cfg.compilerOptions.paths) return () => {};
    const base = path.resolve(cwd, cfg.compilerOptions.baseUrl || ".");
    const Module = require("module");
    const orig = Module._resolveFilename;
    const entries = Object.entries(cfg.compilerOptions.paths);
    Module._resolveFilename = function (request, ...rest) {
        for (const [pattern, targets] of entries) {
            const prefix = pattern.replace(/\*$/, "");
            if (request.startsWith(prefix)) {
                const mapped = path.join(base, targets[0].replace(/\*$/, "") + request.slice(prefix.length));
                return orig.call(this, mapped, ...rest);
            }
        }
        return orig.call(this, request, ...rest);
    };
    return () => { Module._resolveFilename = orig; };
}
exports.register = register;
