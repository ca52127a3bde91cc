#!/usr/bin/env bash
# Ban-set benchmark: portsentinel against the nft commands an operator would use instead, in throwaway network
# namespaces (never the host's own firewall). Every figure comes from this one run; medians of ROUNDS rounds.
#   1. 100k bans in one `portsentinel ban --file` (Node start-up included)  vs  `nft -f` of the same 100k
#   2. one more ban into a set already holding 100k                          vs  `nft add element`
#   3. `portsentinel bans list --json` of 100k                               vs  `nft -j list set`
# Single addresses live in a timeout hash set (banned4), prefixes in an interval, timeout set (bannednet4): items 1
# and 2 run for both kinds, the second with 100k prefixes. Into an interval set `nft add element` first reads the
# whole set back to check for overlaps; into a hash set it reads nothing, and the one ban is mostly process start-up.
# Items 1 and 4 also run under the built-in defaults and under this host's /etc/portsentry/portsentry.conf.
# Usage: sudo bench/banset/run.sh [COUNT] [ROUNDS]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-100000}
ROUNDS=${2:-3}
# shellcheck source=bench/clean-env.sh
source bench/clean-env.sh
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)" >&2; exit 3; }
[ -f oclif.manifest.json ] || { echo "run npm run build first" >&2; exit 3; }

tag="$$-$RANDOM"
ns_ps="psbench-ps-$tag"
ns_nft="psbench-nft-$tag"
work=$(mktemp -d /tmp/psbench.XXXXXX)
cleanup() {
  ip netns del "$ns_ps" 2>/dev/null || true
  ip netns del "$ns_nft" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns_ps"
ip netns add "$ns_nft"

# COUNT distinct addresses in 10.0.0.0/8, one per line, and the same as an nft script.
node -e '
  const n = Number(process.argv[1]); let out = "";
  for (let i = 1; i <= n; i++) out += `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n`;
  process.stdout.write(out);' "$COUNT" >"$work/addrs.txt"
{
  echo "add element inet bench banned4 {"
  sed 's/$/ timeout 1h,/' "$work/addrs.txt"
  echo "}"
} >"$work/addrs.nft"
# COUNT distinct /31 prefixes in 172.16.0.0/12, and the same as an nft script.
node -e '
  const n = Number(process.argv[1]); let out = "";
  for (let i = 0; i < n; i++) { const a = i * 2; out += `172.${16 + ((a >> 16) & 15)}.${(a >> 8) & 255}.${a & 255}/31\n`; }
  process.stdout.write(out);' "$COUNT" >"$work/prefixes.txt"
{
  echo "add element inet bench bannednet4 {"
  sed 's/$/ timeout 1h,/' "$work/prefixes.txt"
  echo "}"
} >"$work/prefixes.nft"
# Same shapes as portsentinel's banned4 and bannednet4 (docs/kernel-objects.md), element counters included.
cat >"$work/table.nft" <<'NFT'
table inet bench {
  set banned4 { type ipv4_addr; flags timeout; counter; }
  set bannednet4 { type ipv4_addr; flags interval, timeout; counter; }
  chain input { type filter hook input priority -10; policy accept; ip saddr @banned4 drop; ip saddr @bannednet4 drop; }
}
NFT
printf 'TCP_PORTS="1"\nUDP_PORTS="1"\nBAN_TIMEOUT="1h"\n' >"$work/portsentry.conf"
# The bulk bans (items 1 and 4) run once per config: the built-in defaults (`--config embedded`) and this host's
# own default config, /etc/portsentry/portsentry.conf (Debian's sets HISTORY_FILE and BLOCKED_FILE, so every ban
# also writes a history line). The host's config is used as it is except that those two files are moved into the
# scratch directory, so the benchmark never writes to the host's own history.
CONFIGS=(embedded)
HOST_CONF=/etc/portsentry/portsentry.conf
if [ -r "$HOST_CONF" ]; then
  sed -e "s|^HISTORY_FILE=.*|HISTORY_FILE=\"$work/portsentry.history\"|" \
    -e "s|^BLOCKED_FILE=.*|BLOCKED_FILE=\"$work/portsentry.blocked\"|" "$HOST_CONF" >"$work/host.conf"
  CONFIGS+=(host)
fi
conf_of() { if [ "$1" = host ]; then echo "$work/host.conf"; else echo embedded; fi; }

ps() { ip netns exec "$ns_ps" node bin/run.js "$@" --config "$work/portsentry.conf" --state-dir "$work/state" --backend nftables; }
# ps with one of CONFIGS.
psc() {
  local c
  c=$(conf_of "$1")
  shift
  ip netns exec "$ns_ps" node bin/run.js "$@" --config "$c" --state-dir "$work/state" --backend nftables
}
fresh() {
  ps teardown >/dev/null 2>&1 || true
  rm -rf "$work/state" "$work"/portsentry.history "$work"/portsentry.blocked.*
  ps setup >/dev/null
  nftn delete table inet bench 2>/dev/null || true
  nftn -f "$work/table.nft"
}
nftn() { ip netns exec "$ns_nft" nft "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A T
for ((r = 1; r <= ROUNDS; r++)); do
  # The bulk bans under each config, each from empty objects, portsentinel and nft alternating.
  for cfg in "${CONFIGS[@]}"; do
    fresh
    t0=$(now); psc "$cfg" ban --file "$work/addrs.txt" --timeout 1h >/dev/null; t1=$(now)
    T[ban_ps_$cfg]+="$(secs "$t0" "$t1") "
    t0=$(now); nftn -f "$work/addrs.nft"; t1=$(now)
    T[ban_nft_$cfg]+="$(secs "$t0" "$t1") "
    fresh
    t0=$(now); psc "$cfg" ban --file "$work/prefixes.txt" --timeout 1h >/dev/null; t1=$(now)
    T[pfx_ps_$cfg]+="$(secs "$t0" "$t1") "
    t0=$(now); nftn -f "$work/prefixes.nft"; t1=$(now)
    T[pfx_nft_$cfg]+="$(secs "$t0" "$t1") "
  done
  if [ -f "$work/portsentry.history" ]; then
    lines=$(wc -l <"$work/portsentry.history")
    [ "$lines" -eq "$COUNT" ] || { echo "HISTORY_FILE holds $lines lines, expected $COUNT" >&2; exit 1; }
  fi
  # Fresh objects and an empty journal each round, so every round measures the same thing.
  fresh

  t0=$(now); ps ban --file "$work/addrs.txt" --timeout 1h >/dev/null; t1=$(now)
  T[ban_ps]+="$(secs "$t0" "$t1") "
  t0=$(now); nftn -f "$work/addrs.nft"; t1=$(now)
  T[ban_nft]+="$(secs "$t0" "$t1") "

  # The kernel frees and rehashes after 100k-element transactions for a while: let that settle first, or the one
  # ban measures the cleanup of the last step.
  sleep 1
  t0=$(now); ps ban 192.0.2.$((r + 1)) --timeout 1h >/dev/null; t1=$(now)
  T[one_ps]+="$(secs "$t0" "$t1") "
  t0=$(now); nftn add element inet bench banned4 "{ 192.0.2.$((r + 1)) timeout 1h }"; t1=$(now)
  T[one_nft]+="$(secs "$t0" "$t1") "

  t0=$(now); ps bans list --json >"$work/list.json"; t1=$(now)
  T[list_ps]+="$(secs "$t0" "$t1") "
  t0=$(now); nftn -j list set inet bench banned4 >"$work/list-nft.json"; t1=$(now)
  T[list_nft]+="$(secs "$t0" "$t1") "

  t0=$(now); ps ban --file "$work/prefixes.txt" --timeout 1h >/dev/null; t1=$(now)
  T[pfx_ps]+="$(secs "$t0" "$t1") "
  t0=$(now); nftn -f "$work/prefixes.nft"; t1=$(now)
  T[pfx_nft]+="$(secs "$t0" "$t1") "
  sleep 1
  # Three each, alternating: the first insert after a large transaction pays for the kernel's clean-up of it.
  for k in 1 2 3; do
    t0=$(now); ps ban "198.51.$((r * 4 + k)).0/24" --timeout 1h >/dev/null; t1=$(now)
    T[onepfx_ps]+="$(secs "$t0" "$t1") "
    t0=$(now); nftn add element inet bench bannednet4 "{ 198.51.$((r * 4 + k)).0/24 timeout 1h }"; t1=$(now)
    T[onepfx_nft]+="$(secs "$t0" "$t1") "
  done
done

listed=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).bans.length)' "$work/list.json")
[ "$listed" -eq $((COUNT + 1)) ] || { echo "bans list returned $listed rows, expected $((COUNT + 1))" >&2; exit 1; }
held=$(ip netns exec "$ns_ps" nft -j list set inet portsentinel bannednet4 |
  node -e 'const d = JSON.parse(require("fs").readFileSync(0)); console.log(d.nftables.find((o) => o.set).set.elem.length)')
[ "$held" -eq $((COUNT + 3)) ] || { echo "bannednet4 holds $held prefixes, expected $((COUNT + 3))" >&2; exit 1; }
bare=$( { t0=$(now); node bin/run.js --version >/dev/null; t1=$(now); secs "$t0" "$t1"; } )
node0=$( { t0=$(now); node -e 0; t1=$(now); secs "$t0" "$t1"; } )

row() {
  local ps nft
  ps=$(echo "${T[$2]}" | median)
  nft=$(echo "${T[$3]}" | median)
  awk -v l="  $1" -v p="$ps" -v n="$nft" 'BEGIN { printf "%-58s %10.3f %10.3f %8.1fx\n", l, p, n, n / p }'
}
printf '%s bans, median of %s rounds (seconds; ratio = nft / portsentinel, >1 = portsentinel faster)\n' "$COUNT" "$ROUNDS"
printf '%-58s %10s %10s %9s\n' "operation" "portsent." "nft" "ratio"
echo "addresses (timeout hash set banned4)"
for cfg in "${CONFIGS[@]}"; do row "ban --file ${COUNT} [$cfg config]  vs  nft -f" "ban_ps_$cfg" "ban_nft_$cfg"; done
row "ban --file ${COUNT} [test config]  vs  nft -f" ban_ps ban_nft
row "one ban into ${COUNT}  vs  nft add element" one_ps one_nft
row "bans list --json  vs  nft -j list set" list_ps list_nft
echo "prefixes (interval, timeout set bannednet4)"
for cfg in "${CONFIGS[@]}"; do row "ban --file ${COUNT} [$cfg config]  vs  nft -f" "pfx_ps_$cfg" "pfx_nft_$cfg"; done
row "ban --file ${COUNT} [test config]  vs  nft -f" pfx_ps pfx_nft
row "one ban into ${COUNT}  vs  nft add element" onepfx_ps onepfx_nft
printf '%-58s %10s\n' "bare start-up (portsentinel --version)" "$bare"
printf '%-58s %10s\n' "node alone (node -e 0)" "$node0"
