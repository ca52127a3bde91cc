// How the fast-path bundle loads the `netlink` package's native binding. The package asks node-gyp-build, which
// finds the binding by loading itself and reading the package's JSON and directories on every start: ~2 ms of a
// one-address ban. The build asks node-gyp-build once and records its answer (a file under prebuilds/); a run loads
// that file straight away when node-gyp-build would answer the same, and asks node-gyp-build otherwise.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/** What node-gyp-build reads from the environment to choose another binding or directory. */
const OVERRIDES = ['NETLINK_PREBUILD', 'npm_config_arch', 'npm_config_platform', 'LIBC', 'ARM_VERSION'];

/**
 * The hinted binding when nothing would make node-gyp-build pick another one: the same platform and architecture,
 * none of its environment overrides, no local build (which it prefers to prebuilds). Else, and whenever the
 * hinted file does not load, node-gyp-build from the package's own directory, as the package itself does.
 */
export function loadNetlinkBinding(hint: BindingHint | undefined, require: BindingRequire): unknown {
  const dir = dirname(require.resolve('netlink/package.json'));
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
