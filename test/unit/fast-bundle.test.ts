// The fast-path bundle as bin/run.js loads it: with the build's V8 code cache when the cache belongs to this bundle,
// this Node and this architecture, and without it otherwise. A cache that is missing, stale, foreign, cut short or
// damaged must never change what a command does. And the netlink binding the bundle loads directly must be the one
// node-gyp-build would have found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { loadNetlinkBinding, type BindingRequire } from '../../src/netlink/native-binding.js';

const require = createRequire(import.meta.url);
interface Loaded {
  exports: { runFastPath(argv: string[]): Promise<boolean> };
  cached: boolean;
  header: string;
}
const run = require(join(repoRoot, 'bin/run.js')) as {
  loadFastPath(dir?: string, opts?: { cache?: boolean }): Loaded;
  cacheHeader(source: string): string;
  FAST_DIR: string;
  BUNDLE: string;
  CACHE: string;
};

test('the build writes an ASCII bundle and a code cache V8 takes', () => {
  const bytes = readFileSync(join(run.FAST_DIR, run.BUNDLE));
  assert.ok(
    bytes.every((b) => b < 0x80),
    'bin/run.js reads the bundle as latin1',
  );
  // The build line, then strict mode for the whole file, as the ES modules it was made from had.
  assert.match(bytes.toString('latin1', 0, 80), /^\/\/ portsentinel fast path, build [0-9a-f]{16}\n"use strict";\n/);
  assert.equal(cacheTaken(run.FAST_DIR), true);
  assert.equal(typeof run.loadFastPath().exports.runFastPath, 'function');
});

/** A copy of bin/ and dist/fast/ (dependencies linked) whose bundle and cache a test may spoil. */
function installation(prefix = 'pst-fast-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'bin'));
  for (const f of ['run.js', 'package.json']) copyFileSync(join(repoRoot, 'bin', f), join(dir, 'bin', f));
  copyFileSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  cpSync(run.FAST_DIR, join(dir, 'dist/fast'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const fast = join(dir, 'dist/fast');
  return {
    fast,
    bundle: join(fast, run.BUNDLE),
    cache: join(fast, run.CACHE),
    ban(state: string) {
      const args = ['ban', '192.0.2.66', '--timeout', '1h', '--config', 'embedded', '--backend', 'file'];
      const r = spawnSync(process.execPath, [join(dir, 'bin/run.js'), ...args, '--state-dir', join(dir, state)], {
        encoding: 'utf8',
      });
      // The summary names the end of the ban, which moves with the clock.
      return { status: r.status, stderr: r.stderr, stdout: r.stdout.replace(/until [^)]*\)/, 'until T)') };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Whether V8 takes the cache in `fast`, asked of a fresh process: within one, V8 reuses the script it compiled
 * for the same source before and never looks at the cache again.
 */
function cacheTaken(fast: string): boolean {
  const code = `process.stdout.write(String(require(${JSON.stringify(join(repoRoot, 'bin/run.js'))}).loadFastPath(${JSON.stringify(fast)}).cached))`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout === 'true';
}

const EXPECTED = 'banned 1 target for 1h (until T) via file: 192.0.2.66\n';

test('a missing, foreign, short or damaged cache is left aside: the command does the same', () => {
  const inst = installation();
  try {
    const good = readFileSync(inst.cache);
    const header = run.cacheHeader(readFileSync(inst.bundle, 'latin1'));
    const payload = good.subarray(header.length);
    const flipped = Buffer.from(payload);
    for (let i = 0; i < 64; i++) flipped[i] ^= 0xa5;
    const cases: Array<[string, Buffer | undefined, boolean]> = [
      ['intact', good, true],
      ['missing', undefined, false],
      ['empty', Buffer.alloc(0), false],
      ['header only', Buffer.from(header, 'latin1'), false],
      ['cut short', good.subarray(0, header.length + Math.floor(payload.length / 2)), false],
      ['garbage', Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(payload.length, 0x5a)]), false],
      ['damaged V8 header', Buffer.concat([Buffer.from(header, 'latin1'), flipped]), false],
      ['another Node', Buffer.from(good.toString('latin1').replace(process.version, 'v0.0.0'), 'latin1'), false],
      [
        'another machine',
        Buffer.from(good.toString('latin1').replace(` ${process.arch}\n`, ' s390x\n'), 'latin1'),
        false,
      ],
    ];
    for (const [name, cache, used] of cases) {
      rmSync(inst.cache, { force: true });
      if (cache) writeFileSync(inst.cache, cache);
      assert.equal(cacheTaken(inst.fast), used, name);
      const r = inst.ban(`state-${name.replace(/ /g, '-')}`);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stderr, '', name);
      assert.equal(r.stdout, EXPECTED, name);
    }
  } finally {
    inst.cleanup();
  }
});

test("a cache from an earlier build of the bundle is not used, even when the bundle's length is the same", () => {
  const inst = installation();
  try {
    // A rebuild that changed one word (same length, so V8's own check would pass) and so the build line.
    const source = readFileSync(inst.bundle, 'latin1');
    const changed = source
      .replace(/^(\/\/ portsentinel fast path, build )[0-9a-f]{16}/, '$10123456789abcdef')
      .replace('`banned ${plural(', '`BANNED ${plural(');
    assert.notEqual(changed, source);
    assert.equal(changed.length, source.length);
    writeFileSync(inst.bundle, changed, 'latin1');
    assert.equal(cacheTaken(inst.fast), false);
    const r = inst.ban('state');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, EXPECTED.replace('banned', 'BANNED'));
  } finally {
    inst.cleanup();
  }
});

/** require() that records what it was asked for. */
function spyRequire(): { req: BindingRequire; asked: string[] } {
  const real = createRequire(join(repoRoot, 'dist/fast/fast-path.cjs'));
  const asked: string[] = [];
  const req = ((id: string) => {
    asked.push(id);
    return real(id);
  }) as BindingRequire;
  req.resolve = real.resolve;
  return { req, asked };
}

test('the hinted netlink binding is the one node-gyp-build finds, and anything unusual goes back to it', () => {
  const dir = dirname(require.resolve('netlink/package.json'));
  const found = createRequire(join(dir, 'package.json'))('node-gyp-build').path(dir) as string;
  const hint = { platform: process.platform, arch: process.arch, file: relative(dir, found) };
  const expected = require(found);

  const direct = spyRequire();
  assert.equal(loadNetlinkBinding(hint, direct.req), expected);
  assert.deepEqual(direct.asked, [found]);
  // Looked up from the bundle's directory as require() would, or by require.resolve where that finds nothing.
  for (const from of [run.FAST_DIR, '/']) {
    const spy = spyRequire();
    assert.equal(loadNetlinkBinding(hint, spy.req, from), expected, from);
    assert.deepEqual(spy.asked, [found], from);
  }

  const others: Array<[string, typeof hint | undefined, Record<string, string>]> = [
    ['no hint', undefined, {}],
    ['another architecture', { ...hint, arch: 'mips' }, {}],
    ['a file that is not there', { ...hint, file: 'prebuilds/none/node.napi.node' }, {}],
    ['a prebuild override', hint, { NETLINK_PREBUILD: dir }],
  ];
  for (const [name, h, env] of others) {
    Object.assign(process.env, env);
    try {
      const spy = spyRequire();
      assert.equal(loadNetlinkBinding(h, spy.req), expected, name);
      assert.ok(
        spy.asked.some((id) => id.includes('node-gyp-build')),
        `${name}: ${spy.asked.join(', ')}`,
      );
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  }
});

test('the bundle finds its flag specs from a directory whose path a URL must escape', () => {
  const inst = installation('pst fast #1 ');
  try {
    const code = `
      const fast = require(${JSON.stringify(join(repoRoot, 'bin/run.js'))}).loadFastPath(${JSON.stringify(inst.fast)});
      fast.exports.runFastPath(['bans', 'list', '--config', 'embedded', '--backend', 'file', '--state-dir',
        ${JSON.stringify(join(inst.fast, 'state'))}]).then((taken) => process.stderr.write(String(taken)));`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'true');
  } finally {
    inst.cleanup();
  }
});
