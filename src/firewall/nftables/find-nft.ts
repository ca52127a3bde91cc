// Where the nft binary is. Apart from nft.ts so that opening the ban set (which only needs to know nft exists)
// does not load the document validator that applying a setup document needs.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

const SEARCH_PATH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of the nft binary, or undefined when it is not installed. */
export function findNft(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'nft'), constants.X_OK);
      return join(dir, 'nft');
    } catch {
      // not here
    }
  }
  return undefined;
}
