// How the fast-path bundle loads the `netlink` package's native binding. The package asks node-gyp-build, which
// finds the binding by loading itself and reading the package's JSON and directories on every start: ~2 ms of a
// one-address ban. The build asks node-gyp-build once and records its answer (a file under prebuilds/); a run loads
// that file straight away when node-gyp-build would answer the same, and asks node-gyp-build otherwise.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface BindingHint {
  /** process.platform and process.arch of the build. */
  platform: string;
  arch: string;
  /** The binding node-gyp-build chose at build time, relative to the package directory. */
  file: string;
}

/** The require() of the bundle (what the bundle is given), so that a build can stand in for the binding. */
export interface BindingRequire {
  (id: string): unknown;
  resolve(id: string, options?: { paths?: string[] }): string;
}

/**
 * The netlink package require() finds from `from`, by its first look-up: the nearest node_modules/netlink up the
 * tree (undefined when there is none, and require.resolve takes over). The same answer without require.resolve's
 * first-call cost (~0.6 ms); the package declares no "exports" that could make it differ.
 */
function nearestPackage(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'netlink');
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What node-gyp-build reads from the environment to choose another binding or directory. */
const OVERRIDES = ['NETLINK_PREBUILD', 'npm_config_arch', 'npm_config_platform', 'LIBC', 'ARM_VERSION'];

/**
 * The hinted binding when nothing would make node-gyp-build pick another one: the same platform and architecture,
 * none of its environment overrides, no local build (which it prefers to prebuilds). Else, and whenever the
 * hinted file does not load, node-gyp-build from the package's own directory, as the package itself does.
 */
export function loadNetlinkBinding(hint: BindingHint | undefined, require: BindingRequire, from?: string): unknown {
  const dir = (from !== undefined && nearestPackage(from)) || dirname(require.resolve('netlink/package.json'));
  if (
    hint !== undefined &&
    hint.platform === process.platform &&
    hint.arch === process.arch &&
    hint.file.startsWith('prebuilds/') &&
    OVERRIDES.every((name) => process.env[name] === undefined) &&
    !existsSync(join(dir, 'build'))
  ) {
    try {
      return require(join(dir, hint.file));
    } catch {
      // Moved, removed or not loadable here: node-gyp-build decides, and reports if nothing fits.
    }
  }
  const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [dir] })) as (d: string) => unknown;
  return nodeGypBuild(dir);
}
