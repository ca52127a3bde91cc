#!/usr/bin/env bash
# Replay throughput: generates a large synthetic capture (lab/bigpcap.py) in a temporary directory, then times
# `tcpdump -nr FILE -w /dev/null` and our reader on the same file, reporting packets/s, the time ratio and peak RSS.
#
# usage: bench/replay/run.sh [PACKETS] [-- COMMAND...]
#   PACKETS   capture size (default 3000000)
#   COMMAND   what to time instead of the decode-only entry; FILE in it is replaced by the capture path, e.g.
#             bench/replay/run.sh 3000000 -- ./bin/run.js replay FILE --json
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
if [[ $# -gt 0 ]]; then CMD=("${@//FILE/$CAP}"); else CMD=(node "$ROOT/dist/bench/replay/decode.js" "$CAP"); fi
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
read -r O_S O_KB < <(best "${CMD[@]}")
awk -v n="$PACKETS" -v size="$SIZE" -v ts="$T_S" -v tkb="$T_KB" -v os="$O_S" -v okb="$O_KB" -v cmd="${CMD[*]}" 'BEGIN {
  printf "capture: %d packets, %.0f MB\n", n, size / 1e6
  printf "tcpdump -nr -w /dev/null: %.2f s  %.1f M packets/s  peak RSS %.0f MiB\n", ts, n / ts / 1e6, tkb / 1024
  printf "%s: %.2f s  %.1f M packets/s  peak RSS %.0f MiB\n", cmd, os, n / os / 1e6, okb / 1024
  printf "ratio (ours / tcpdump time): %.2f\n", os / ts
}'
