// Runs the setup/teardown JSON through `nft -j -f <tempfile>`: nft reads a file, never /dev/stdin (which fails
// when Node hands it a socketpair). The document is checked against schemas/nftables.schema.json first.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, OperationError } from '../../errors.js';
import { validate } from '../../generated/nftables.js';
import { findNft } from './find-nft.js';

export { findNft };

export function checkNftDocument(doc: unknown): void {
  if (!validate(doc)) {
    const errors = (validate as unknown as { errors?: Array<{ instancePath: string; message?: string }> }).errors ?? [];
    const first = errors[0];
    throw new OperationError(
      `Internal nftables document is outside the supported subset (${first ? `${first.instancePath} ${first.message}` : 'invalid'}).`,
      'E_NFT_DOCUMENT',
    );
  }
}

/** `nft -j list chain inet <table> <chain>` parsed, or undefined when the chain (or nft) is not there. */
export async function listNftChain(table: string, chain: string): Promise<unknown> {
  const nft = findNft();
  if (!nft) return undefined;
  return new Promise((resolve) => {
    execFile(nft, ['-j', 'list', 'chain', 'inet', table, chain], { maxBuffer: 1 << 24 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        resolve(JSON.parse(stdout));
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** Applies (or with `check`, only verifies against the kernel: `nft -c`) a libnftables JSON document. */
export async function applyNftDocument(doc: unknown, opts: { check?: boolean } = {}): Promise<void> {
  checkNftDocument(doc);
  const nft = findNft();
  if (!nft)
    throw new EnvironmentError('The nft command is not installed: install the nftables package.', 'E_NFT_MISSING');
  const dir = await mkdtemp(join(tmpdir(), 'portsentinel-nft-'));
  const file = join(dir, 'ruleset.json');
  try {
    await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
    const args = ['-j', ...(opts.check ? ['-c'] : []), '-f', file];
    await new Promise<void>((resolve, reject) => {
      execFile(nft, args, { maxBuffer: 1 << 24 }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        const spawnCode = (err as NodeJS.ErrnoException).code;
        if (spawnCode === 'ENOENT' || spawnCode === 'EACCES') {
          return reject(new EnvironmentError(`Cannot run ${nft}: install the nftables package.`, 'E_NFT_MISSING', err));
        }
        const detail = stderr.trim().split('\n')[0] ?? '';
        reject(new OperationError(`nft refused the portsentinel ruleset: ${detail}`, 'E_NFT_FAILED', err));
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
