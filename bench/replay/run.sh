#!/usr/bin/env bash
# Replay throughput: generates a large synthetic capture (lab/bigpcap.py) in a temporary directory, then times, on
# the same file in the same run, `tcpdump -nr FILE -w /dev/null`, `portsentinel replay FILE` (end to end: start-up,
# decode, detection, report), the same with --json, and the decode-only entry, reporting packets/s, the time
# ratio against tcpdump and peak RSS.
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
RUNS="${RUNS:-3}"
TMP="$(mktemp -d /tmp/portsentinel-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
CAP="$TMP/big.pcap"

/usr/bin/python3 "$LAB/bigpcap.py" "$CAP" "$PACKETS"
SIZE=$(stat -c %s "$CAP")
CMDS=()
if [[ $# -gt 0 ]]; then CMDS=("${*//FILE/$CAP}"); else
  CMDS=("node $ROOT/bin/run.js replay $CAP --config embedded"
    "node $ROOT/bin/run.js replay $CAP --config embedded --json"
    "node $ROOT/dist/bench/replay/decode.js $CAP")
fi
cat "$CAP" >/dev/null # warm the page cache so both readers start equal

# best of RUNS: elapsed seconds and max RSS (KiB) of one command
best() {
  local best_s="" best_kb=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
    read -r s kb <"$TMP/time"
    if [[ -z "$best_s" ]] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_kb=$kb; fi
  done
  echo "$best_s $best_kb"
}

read -r T_S T_KB < <(best tcpdump -nr "$CAP" -w /dev/null)
awk -v n="$PACKETS" -v size="$SIZE" -v ts="$T_S" -v tkb="$T_KB" 'BEGIN {
  printf "capture: %d packets, %.0f MB\n", n, size / 1e6
  printf "%-70s %6.2f s %6.1f M packets/s  peak RSS %5.0f MiB\n", "tcpdump -nr FILE -w /dev/null", ts, n / ts / 1e6, tkb / 1024
}'
for c in "${CMDS[@]}"; do
  # shellcheck disable=SC2086
  read -r O_S O_KB < <(best $c)
  awk -v n="$PACKETS" -v ts="$T_S" -v os="$O_S" -v okb="$O_KB" -v cmd="${c//$CAP/FILE}" 'BEGIN {
    sub(/^node [^ ]*\/bin\/run.js/, "portsentinel", cmd); sub(/^node [^ ]*\/dist\//, "dist/", cmd)
    printf "%-70s %6.2f s %6.1f M packets/s  peak RSS %5.0f MiB  ratio %.2fx tcpdump\n", cmd, os, n / os / 1e6, okb / 1024, os / ts
  }'
done
