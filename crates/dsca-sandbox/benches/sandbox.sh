#!/usr/bin/env bash
# What a sandboxed run costs: `dsca scan --dynamic` against a plain `npm install` of the
# same tarball on the host (no sandbox, no tracer), over a few runs, as a table.
#   sudo bash crates/dsca-sandbox/benches/sandbox.sh [path/to/dsca] [runs]
# The package is built here: a postinstall that spawns a few processes and writes files
# (so the tracer has work), no dependencies (so no network is needed on the host side).
set -euo pipefail
dsca="${1:-target/release/dsca}"
runs="${2:-5}"
[ -x "$dsca" ] || { echo "build dsca first (cargo build --release -p dsca) or pass its path" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkg/package"
cat > "$work/pkg/package/package.json" <<'JSON'
{"name":"bench-build","version":"1.0.0","scripts":{"postinstall":"node build.js"}}
JSON
cat > "$work/pkg/package/build.js" <<'JS'
const fs = require('fs');
const cp = require('child_process');
for (let i = 0; i < 200; i++) fs.writeFileSync(`out-${i}.txt`, 'x'.repeat(1000));
for (let i = 0; i < 10; i++) cp.execSync('true');
JS
echo 'module.exports = 1;' > "$work/pkg/package/index.js"
tar czf "$work/bench-build-1.0.0.tgz" -C "$work/pkg" package

millis() { date +%s%3N; }
host_total=0
sandbox_total=0
install_total=0
for _ in $(seq "$runs"); do
    rm -rf "$work/host" && mkdir -p "$work/host" && echo '{"name":"app","version":"1.0.0"}' > "$work/host/package.json"
    start=$(millis)
    (cd "$work/host" && npm install --no-audit --no-fund --offline --loglevel=error "$work/bench-build-1.0.0.tgz" >/dev/null)
    host_total=$((host_total + $(millis) - start))

    start=$(millis)
    "$dsca" scan --dynamic --format json -o "$work/report.json" "$work/bench-build-1.0.0.tgz"
    sandbox_total=$((sandbox_total + $(millis) - start))
    install=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["dynamic"]["phases"][0]["duration_ms"])' "$work/report.json")
    install_total=$((install_total + install))
done
printf '| what (mean of %s runs) | ms |\n| --- | --- |\n' "$runs"
printf '| npm install of the tarball on the host, no sandbox, no tracer | %s |\n' $((host_total / runs))
printf '| the same install inside the sandbox, traced by strace (install phase) | %s |\n' $((install_total / runs))
printf '| whole `dsca scan --dynamic`: static analysis, sandbox set-up, install, import, report | %s |\n' $((sandbox_total / runs))
