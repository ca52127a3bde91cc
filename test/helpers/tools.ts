// Which external programs a test needs. Outside CI a missing program (or missing root) skips the test with the
// package that provides it; under CI=true nothing may be skipped, so the same gap fails the run instead.
import { spawnSync } from 'node:child_process';

/** Program → the Debian package that provides it. */
export const PACKAGE_OF: Record<string, string> = {
  nft: 'nftables',
  ip: 'iproute2',
  nmap: 'nmap',
  hping3: 'hping3',
  tcpdump: 'tcpdump',
  '/usr/bin/python3': 'python3-scapy',
  iptables: 'iptables',
  portsentry: 'portsentry',
  logger: 'bsdutils',
  script: 'bsdutils',
  'systemd-analyze': 'systemd',
  python3: 'python3',
  npm: 'npm',
  tcpdmatch: 'tcpd',
  crowdsec: 'crowdsec',
  cscli: 'crowdsec',
  curl: 'curl',
  promtool: 'prometheus',
  setpriv: 'util-linux',
  flock: 'util-linux',
  unshare: 'util-linux',
};

const found = new Map<string, boolean>();

export function hasProgram(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1 || test -x "/usr/sbin/$1"`, 'sh', name]).status === 0;
    found.set(name, ok);
  }
  return ok;
}

/** A skip reason naming what to install, or false; under CI=true a missing program is an error instead. */
export function toolSkipReason(...programs: string[]): string | false {
  const missing = programs.filter((p) => !hasProgram(p));
  if (missing.length === 0) return false;
  const why = `needs ${missing.join(', ')} (apt-get install ${[...new Set(missing.map((m) => PACKAGE_OF[m] ?? m))].join(' ')})`;
  if (process.env.CI === 'true') throw new Error(`every test must run in CI, but this one ${why}`);
  return why;
}
