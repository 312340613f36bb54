"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fromIni = exports.parseIni = exports.getHomeDir = void 0;
const fs_1 = require("fs");
const os_1 = require("os");
const path_1 = require("path");

const getHomeDir = () => {
    const { HOME, USERPROFILE, HOMEPATH, HOMEDRIVE = `C:${path_1.sep}` } = process.env;
    if (HOME) return HOME;
    if (USERPROFILE) return USERPROFILE;
    if (HOMEPATH) return `${HOMEDRIVE}${HOMEPATH}`;
    return (0, os_1.homedir)();
};
exports.getHomeDir = getHomeDir;

const parseIni = (iniData) => {
    const map = {};
    let currentSection;
    for (let line of iniData.split(/\r?\n/)) {
        line = line.split(/(^|\s)[;#]/)[0].trim();
        const isSection = line[0] === "[" && line[line.length - 1] === "]";
        if (isSection) {
            currentSection = line.substring(1, line.length - 1).replace(/^profile\s+/, "");
            map[currentSection] = map[currentSection] || {};
        } else if (currentSection && line) {
            const idx = line.indexOf("=");
            if (idx > 0) map[currentSection][line.slice(0, idx).trim()] = line.slice(idx + 1).trim();
        }
    }
    return map;
};
exports.parseIni = parseIni;

const readIni = async (p) => {
    try { return parseIni(await fs_1.promises.readFile(p, "utf8")); } catch { return {}; }
};

class CredentialsProviderError extends Error {
    constructor(message, tryNextLink = true) { super(message); this.tryNextLink = tryNextLink; this.name = "CredentialsProviderError"; }
}

const fromIni = (init = {}) => async () => {
    const home = getHomeDir();
    const credsFile = init.filepath || process.env.AWS_SHARED_CREDENTIALS_FILE || (0, path_1.join)(home, ".aws", "credentials");
    const configFile = init.configFilepath || process.env.AWS_CONFIG_FILE || (0, path_1.join)(home, ".aws", "config");
    const profile = init.profile || process.env.AWS_PROFILE || "default";
    const [creds, config] = await Promise.all([readIni(credsFile), readIni(configFile)]);
    const data = { ...(config[profile] || {}), ...(creds[profile] || {}) };
    if (data.aws_access_key_id && data.aws_secret_access_key) {
        return {
            accessKeyId: data.aws_access_key_id,
            secretAccessKey: data.aws_secret_access_key,
            sessionToken: data.aws_session_token,
            expiration: data.aws_expiration ? new Date(data.aws_expiration) : undefined,
        };
    }
    throw new CredentialsProviderError(`Profile ${profile} could not be found or parsed in shared credentials file.`);
};
exports.fromIni = fromIni;
