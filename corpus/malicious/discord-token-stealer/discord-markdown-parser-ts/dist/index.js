"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parse = void 0;
const RULES = [
    [/^\|\|([\s\S]+?)\|\|/, (m) => ({ type: "spoiler", content: parse(m[1]) })],
    [/^<@!?(\d+)>/, (m) => ({ type: "user", id: m[1] })],
    [/^<#(\d+)>/, (m) => ({ type: "channel", id: m[1] })],
    [/^<@&(\d+)>/, (m) => ({ type: "role", id: m[1] })],
    [/^<t:(\d+)(?::([tTdDfFR]))?>/, (m) => ({ type: "timestamp", id: m[1], content: m[2] || "f" })],
    [/^\*\*([\s\S]+?)\*\*/, (m) => ({ type: "strong", content: parse(m[1]) })],
    [/^\*([\s\S]+?)\*/, (m) => ({ type: "em", content: parse(m[1]) })],
    [/^`([^`]+)`/, (m) => ({ type: "inlineCode", content: m[1] })],
];
function parse(src) {
    const out = [];
    let text = "";
    while (src.length) {
        let hit = false;
        for (const [re, make] of RULES) {
            const m = re.exec(src);
            if (m) {
                if (text) { out.push({ type: "text", content: text }); text = ""; }
                out.push(make(m));
                src = src.slice(m[0].length);
                hit = true;
                break;
            }
        }
        if (!hit) { text += src[0]; src = src.slice(1); }
    }
    if (text) out.push({ type: "text", content: text });
    return out;
}
exports.parse = parse;
