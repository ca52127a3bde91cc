#!/usr/bin/env bash
# Replay throughput: generates a large synthetic capture (lab/bigpcap.py) in a temporary directory, then times, on
# the same file in the same run, `tcpdump -nr FILE -w /dev/null`, `portsentinel replay FILE` (end to end: start-up,
# decode, detection, report), the same with --json, both with the built-in config and with this host's
# /etc/portsentry/portsentry.conf, and the decode-only entry, reporting packets/s, the time ratio against tcpdump
# and peak RSS, and the CPU time (user + system, all threads) with its ratio: on a shared machine a process waits
# for a core a varying part of its elapsed time, and the CPU time shows what it needed, not what it waited.
#
# usage: bench/replay/run.sh [PACKETS] [-- COMMAND...]
#   PACKETS   capture size (default 3000000)
#   COMMAND   time this instead; FILE in it is replaced by the capture path, e.g.
#             bench/replay/run.sh 3000000 -- ./bin/run.js replay FILE --mode atcp
# Needs: a build (npx tsc -p tsconfig.json), /usr/bin/python3, tcpdump, GNU time (/usr/bin/time).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LAB="${LAB:-/work/shared/lab}"
PACKETS="${1:-3000000}"
shift || true
[[ "${1:-}" == "--" ]] && shift
RUNS="${RUNS:-7}"
# shellcheck source=../clean-env.sh
source "$ROOT/bench/clean-env.sh"
TMP="$(mktemp -d /tmp/portsentinel-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
CAP="$TMP/big.pcap"

/usr/bin/python3 "$LAB/bigpcap.py" "$CAP" "$PACKETS"
SIZE=$(stat -c %s "$CAP")
CMDS=()
if [[ $# -gt 0 ]]; then CMDS=("${*//FILE/$CAP}"); else
  CMDS=("node $ROOT/bin/run.js replay $CAP --config embedded"
    "node $ROOT/bin/run.js replay $CAP --config embedded --json")
  # And with this host's own default config, as a user running plain `portsentinel replay` gets it.
  if [[ -r /etc/portsentry/portsentry.conf ]]; then
    CMDS+=("node $ROOT/bin/run.js replay $CAP --config /etc/portsentry/portsentry.conf"
      "node $ROOT/bin/run.js replay $CAP --config /etc/portsentry/portsentry.conf --json")
  fi
  CMDS+=("node $ROOT/dist/bench/replay/decode.js $CAP")
fi
cat "$CAP" >/dev/null # warm the page cache so both readers start equal

# The commands run interleaved, round after round (tcpdump, then each of ours), so that a slow spell on a shared
# machine hits all of them alike; each gets its best and its median elapsed time over RUNS rounds, and its peak RSS.
ALL=("tcpdump -nr $CAP -w /dev/null" "${CMDS[@]}")
declare -A TIMES KB CPU
for _ in $(seq "$RUNS"); do
  for c in "${ALL[@]}"; do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M %U %S' -o "$TMP/time" $c >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    TIMES[$c]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') "
    read -r kb user sys <"$TMP/time"
    CPU[$c]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
    (( kb > ${KB[$c]:-0} )) && KB[$c]=$kb
  done
done
stat_of() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { printf "%s %s", a[1], a[int((NR + 1) / 2)] }'; }
read -r T_MIN T_MED < <(stat_of <<<"${TIMES[${ALL[0]}]}"; echo)
read -r T_CPU _ < <(stat_of <<<"${CPU[${ALL[0]}]}"; echo)
awk -v n="$PACKETS" -v size="$SIZE" -v runs="$RUNS" -v tmin="$T_MIN" -v tmed="$T_MED" -v tkb="${KB[${ALL[0]}]}" -v tcpu="$T_CPU" 'BEGIN {
  printf "capture: %d packets, %.0f MB; best and median of %d interleaved rounds\n", n, size / 1e6, runs
  printf "%-72s best %5.2f s  median %5.2f s  %5.1f M packets/s  peak RSS %4.0f MiB  CPU best %5.2f s\n", "tcpdump -nr FILE -w /dev/null", tmin, tmed, n / tmin / 1e6, tkb / 1024, tcpu
}'
for c in "${CMDS[@]}"; do
  read -r O_MIN O_MED < <(stat_of <<<"${TIMES[$c]}"; echo)
  read -r O_CPU _ < <(stat_of <<<"${CPU[$c]}"; echo)
  awk -v n="$PACKETS" -v tmin="$T_MIN" -v tmed="$T_MED" -v omin="$O_MIN" -v omed="$O_MED" -v okb="${KB[$c]}" -v tcpu="$T_CPU" -v ocpu="$O_CPU" -v cmd="${c//$CAP/FILE}" 'BEGIN {
    sub(/^node [^ ]*\/bin\/run.js/, "portsentinel", cmd); sub(/^node [^ ]*\/dist\//, "dist/", cmd)
    printf "%-72s best %5.2f s  median %5.2f s  %5.1f M packets/s  peak RSS %4.0f MiB  %.2fx tcpdump (best), %.2fx (median)  CPU best %5.2f s, %.2fx\n", cmd, omin, omed, n / omin / 1e6, okb / 1024, omin / tmin, omed / tmed, ocpu, ocpu / tcpu
  }'
done
