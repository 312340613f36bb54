#!/usr/bin/env bash
# Throughput of `dsca worker` processes sharing one PostgreSQL queue: one worker against
# two (and more if asked), each scanning one package at a time (-j 1), static analysis
# from the warm package cache (--offline), so the figure is dsca's and the store's, not
# the network's.
#
#   eval "$(bash .ci/postgres.sh start)"
#   bash .ci/bench-batch.sh [DSCA_BINARY] [ROUNDS] [WORKER_COUNTS...]
#   bash .ci/postgres.sh stop "$DSCA_PG_DIR"
#
# Defaults: $CARGO_TARGET_DIR/debug/dsca (or target/debug/dsca), 3 rounds, workers 1 2.
# BENCH_PIN=1 pins worker N to CPU N-1 (taskset), as if each worker had a machine of one
# core to itself (a worker at -j 1 scans on one thread, so it uses one core either way).
# BENCH_SESSIONS=1 starts each worker in a session of its own (setsid). With the
# kernel's autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled), CPU time is
# shared fairly between sessions first: workers started from one shell share one
# session's share of a busy machine however many they are, while workers on machines
# of their own would not.
# The packages are those of the cache ($DSCA_CACHE_DIR or ~/.cache/dsca) that scan
# offline without error. Each round queues them into a fresh database, starts the
# workers together and times until the last one exits; the median round is reported,
# with the CPU the workers and the PostgreSQL server used.
set -euo pipefail

dsca="${1:-${CARGO_TARGET_DIR:-target}/debug/dsca}"
rounds="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 2)
url="${DSCA_TEST_PG_URL:?start PostgreSQL first: eval \"\$(bash .ci/postgres.sh start)\"}"
cache="${DSCA_CACHE_DIR:-$HOME/.cache/dsca}"
[ -x "$dsca" ] || { echo "bench-batch.sh: no dsca binary at $dsca" >&2; exit 2; }
work="$(mktemp -d /tmp/dsca-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# The cached packuments' names (file names are percent-encoded), then those that scan.
find "$cache"/registries/*/packuments -name '*.json' -printf '%f\n' |
    sed 's/\.json$//; s/%40/@/g; s/%2[fF]/\//g' | sort -u >"$work/cached.txt"
"$dsca" batch --names-file "$work/cached.txt" --db "$work/probe.db" --offline -j 2 2>/dev/null
"$dsca" export --db "$work/probe.db" --format jsonl |
    python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if not r["errors"]: print(r["spec"])' >"$work/names.txt"
packages=$(wc -l <"$work/names.txt")
echo "bench-batch: $packages packages that scan offline from $cache; $(nproc) CPUs; $dsca"

base="${url%/*}"
# CPU seconds of this cluster's server so far: the postmaster with the backends it has
# reaped (cutime, cstime), plus those still running. Needs DSCA_PG_DIR.
pg_cpu() {
    local main ticks total pid
    main=$(head -n 1 "${DSCA_PG_DIR:?}/data/postmaster.pid")
    ticks=$(getconf CLK_TCK)
    total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$main/stat")
    for pid in $(pgrep -P "$main" || true); do
        total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "scale=2; $total / $ticks" | bc
}

# Busy CPU seconds of the whole machine so far (every process: other users' too).
machine_cpu() {
    awk -v ticks="$(getconf CLK_TCK)" '/^cpu / {print ($2 + $3 + $4 + $7 + $8) / ticks}' /proc/stat
}

run_round() { # workers round -> "seconds worker_cpu pg_cpu machine_cpu"
    local workers=$1 round=$2 db="bench_$1_$2" start end pg_before pg_after i
    local machine_before machine_after
    psql -q "$url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    "$dsca" batch --names-file "$work/names.txt" --db "$base/$db" --enqueue-only 2>/dev/null
    pg_before=$(pg_cpu)
    machine_before=$(machine_cpu)
    start=$(date +%s.%N)
    for i in $(seq "$workers"); do
        pin=()
        if [ "${BENCH_PIN:-0}" = 1 ]; then pin=(taskset -c $(( (i - 1) % $(nproc) ))); fi
        if [ "${BENCH_SESSIONS:-0}" = 1 ]; then pin=(setsid -w "${pin[@]}"); fi
        /usr/bin/time -f '%U %S' -o "$work/time.$i" "${pin[@]}" \
            "$dsca" worker --db "$base/$db" --offline -j 1 2>"$work/worker.$i.log" &
    done
    wait
    end=$(date +%s.%N)
    pg_after=$(pg_cpu)
    machine_after=$(machine_cpu)
    local done
    done=$(psql -tA "$base/$db" -c "SELECT COUNT(*) FROM results")
    [ "$done" = "$packages" ] || { echo "bench-batch: $done of $packages results" >&2; exit 1; }
    local cpu steady
    cpu=$(cat "$work"/time.* | awk '{s += $1 + $2} END {printf "%.2f", s}')
    rm -f "$work"/time.*
    # The steady rate: results per second between the 5th and the 95th percentile of their
    # write times, leaving out the start (connecting, compiling rules) and the tail (the
    # last worker's last packages while the others have stopped), which a registry-scale
    # run pays once over millions of packages.
    steady=$(psql -tA "$base/$db" -c "
        WITH t AS (SELECT scanned_at::timestamptz AS at, COUNT(*) OVER () AS n,
                          ROW_NUMBER() OVER (ORDER BY scanned_at) AS k FROM results)
        SELECT (b.k - a.k) / EXTRACT(EPOCH FROM b.at - a.at)
        FROM t AS a, t AS b WHERE a.k = CEIL(a.n * 0.05) AND b.k = FLOOR(b.n * 0.95)")
    psql -q "$url" -c "DROP DATABASE $db" >/dev/null
    echo "$(echo "$end - $start" | bc) $cpu $(echo "$pg_after - $pg_before" | bc)" \
        "$(echo "$machine_after - $machine_before" | bc) $steady"
}

declare -A rate steady_rate
median() { sort -g | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'; }
for workers in "${counts[@]}"; do
    : >"$work/rounds.$workers"
    : >"$work/steady.$workers"
done
for round in $(seq "$rounds"); do
    # Alternate the order so that a slow spell of a shared machine hits every setting.
    order=("${counts[@]}")
    if (( round % 2 == 0 )); then
        order=($(printf '%s\n' "${counts[@]}" | tac))
    fi
    for workers in "${order[@]}"; do
        read -r seconds cpu pgcpu machine steady < <(run_round "$workers" "$round")
        others=$(echo "$machine - $cpu - $pgcpu" | bc)
        printf 'bench-batch: %d worker(s), round %d: %.2f s, %.1f packages/s (steady %.1f); CPU s: workers %.1f, PostgreSQL %.1f, other processes %.1f, idle %.1f\n' \
            "$workers" "$round" "$seconds" "$(echo "$packages / $seconds" | bc -l)" "$steady" "$cpu" "$pgcpu" \
            "$others" "$(echo "$seconds * $(nproc) - $machine" | bc)"
        echo "$seconds $cpu $pgcpu $others" >>"$work/rounds.$workers"
        echo "$steady" >>"$work/steady.$workers"
    done
done
for workers in "${counts[@]}"; do
    median=$(sort -n "$work/rounds.$workers" | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}')
    read -r seconds cpu pgcpu others <<<"$median"
    rate[$workers]=$(echo "$packages / $seconds" | bc -l)
    steady_rate[$workers]=$(median <"$work/steady.$workers")
    printf 'bench-batch: %d worker(s): median %.2f s, %.1f packages/s (%.1f ms CPU per package in workers, %.1f in PostgreSQL; other processes took %.0f%% of the CPUs)\n' \
        "$workers" "$seconds" "${rate[$workers]}" "$(echo "$cpu * 1000 / $packages" | bc -l)" \
        "$(echo "$pgcpu * 1000 / $packages" | bc -l)" "$(echo "$others * 100 / ($seconds * $(nproc))" | bc -l)"
done
# Ratios of medians, and the median of each round's own ratio: the rounds of one setting
# run next to those of the other, so a round's ratio sees the machine at one speed.
first="${counts[0]}"
for workers in "${counts[@]:1}"; do
    whole_rounds=$(paste -d ' ' "$work/rounds.$workers" "$work/rounds.$first" |
        awk '{print $5 / $1}' | median)
    steady_rounds=$(paste -d ' ' "$work/steady.$workers" "$work/steady.$first" |
        awk '{print $1 / $2}' | median)
    printf 'bench-batch: %d workers / %d: %.2fx over the whole run, %.2fx steady (medians %.1f / %.1f packages/s); median of the rounds'"'"' own ratios %.2fx whole, %.2fx steady\n' \
        "$workers" "$first" "$(echo "${rate[$workers]} / ${rate[$first]}" | bc -l)" \
        "$(echo "${steady_rate[$workers]} / ${steady_rate[$first]}" | bc -l)" \
        "${steady_rate[$workers]}" "${steady_rate[$first]}" "$whole_rounds" "$steady_rounds"
done
