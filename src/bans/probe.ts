// What the host offers for banning, found without side effects: nf_tables in the kernel, the nft binary, and
// CAP_NET_ADMIN in this process's effective capabilities.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * 'in use' when the nftables backend is working; otherwise what the module files say, or 'not probed' when they
 * found nothing and another backend was chosen, so nftables was never tried (built-in nf_tables leaves no file).
 */
export type NfTablesSupport = 'in use' | 'loaded' | 'loadable' | 'not found' | 'not probed';

export interface KernelSupport {
  nfTables: NfTablesSupport;
  nftBinary: string | null;
  capNetAdmin: boolean;
}

const CAP_NET_ADMIN = 12n;

/** Bit 12 of CapEff in a /proc/<pid>/status text. */
export function parseCapNetAdmin(statusText: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)/im.exec(statusText);
  return m ? ((BigInt(`0x${m[1]}`) >> CAP_NET_ADMIN) & 1n) === 1n : false;
}

function findModule(dir: string, depth = 0): boolean {
  if (depth > 6) return false;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  for (const n of names) {
    if (n.startsWith('nf_tables.ko')) return true;
    if (!n.includes('.') && findModule(join(dir, n), depth + 1)) return true;
  }
  return false;
}

function nfTablesSupport(): NfTablesSupport {
  if (existsSync('/sys/module/nf_tables')) return 'loaded';
  const base = `/lib/modules/${release()}`;
  try {
    if (readFileSync(join(base, 'modules.builtin'), 'utf8').includes('/nf_tables.ko')) return 'loaded';
  } catch {
    // no module index: look for the file itself
  }
  return findModule(join(base, 'kernel', 'net', 'netfilter')) ? 'loadable' : 'not found';
}

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  for (const dir of ['/usr/sbin', '/sbin']) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

export function probeKernelSupport(): KernelSupport {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux: reported as no capability
  }
  return { nfTables: nfTablesSupport(), nftBinary: which('nft'), capNetAdmin: parseCapNetAdmin(status) };
}
