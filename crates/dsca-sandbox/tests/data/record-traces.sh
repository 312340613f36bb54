#!/bin/sh
# Re-records the strace fixtures of tests/trace.rs on this machine with the exact options
# dsca uses (keep STRACE_ARGS in step with dsca_sandbox::trace::strace_args; the test
# `fixture_script_uses_the_same_strace_args` checks it). Harmless commands only: files
# under a scratch directory, connections to closed ports on 127.0.0.1.
# Usage: sh tests/data/record-traces.sh   (from crates/dsca-sandbox), then `cargo insta review`.
set -eu
DATA="$(cd "$(dirname "$0")" && pwd)"
STRACE_ARGS="-f -q -ttt -yy -s 4096 --seccomp-bpf -e signal=!SIGCHLD -e trace=execve,execveat,open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,chmod,fchmod,fchmodat,chdir,fchdir,clone,clone3,fork,vfork,connect,sendto,sendmsg,sendmmsg"
SCRATCH=/tmp/dsca-trace-fixture
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
cd "$SCRATCH"  # so that the logs name no directory of this checkout
ENV="env -i PATH=/usr/bin:/bin HOME=$SCRATCH"

# Files: cd, create, write, rename, chmod +x, read, delete; a subshell that forks a child.
# shellcheck disable=SC2086
$ENV strace $STRACE_ARGS -o "$DATA/files.log" -- sh -c "
  cd $SCRATCH
  mkdir sub && cd sub
  echo data > created.txt
  mv created.txt renamed.sh
  chmod 755 renamed.sh
  cat renamed.sh > /dev/null
  (sh -c 'echo child > ../from-child.txt'; true)
  rm renamed.sh ../from-child.txt
  cat missing.txt 2>/dev/null || true
"

# Network: TCP connect to a closed port, UDP datagrams over IPv4 and IPv6, a Unix socket.
# shellcheck disable=SC2086
$ENV strace $STRACE_ARGS -o "$DATA/net.log" -- node -e "
const net = require('net'), dgram = require('dgram');
const u4 = dgram.createSocket('udp4');
u4.send(Buffer.from('udp \"payload\"\n\x01\x02'), 9, '127.0.0.1', () => {
  u4.close();
  const u6 = dgram.createSocket('udp6');
  u6.send('v6 payload', 9, '::1', () => {
    u6.close();
    const c = net.connect(1, '127.0.0.1');
    c.on('error', () => net.connect('$SCRATCH/no.sock').on('error', () => {}));
  });
});
"

# A child killed by SIGKILL while its parent waits.
# shellcheck disable=SC2086
$ENV strace $STRACE_ARGS -o "$DATA/killed.log" -- sh -c 'sleep 5 & sleep 0.2; kill -9 $!; wait; exit 3' || true

cd / && rm -rf "$SCRATCH"
