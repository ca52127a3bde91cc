// Bundles the fast path (dist/src/cli/fast-path.js and everything its commands load) into one CommonJS file,
// dist/fast/fast-path.cjs, and writes the V8 code cache bin/run.js compiles it with (dist/fast/fast-path.cache).
// A hot command then reads two files instead of resolving, reading and compiling a few dozen modules.
//
// The cache holds what V8 had compiled when it was written, so the build first runs a one-address `ban` through
// the bundle, as a user would, but against a stand-in for the kernel: the netlink binding the bundle requires is
// replaced by one that answers like nf_tables, so nothing outside this process is touched. Whatever that run
// does not reach is compiled on first use, as without a cache.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_CONFIG_TEXT } from '../dist/src/config/default-config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/fast');
const require = createRequire(import.meta.url);
const { loadFastPath, BUNDLE, CACHE } = require('../bin/run.js');

/** Where node-gyp-build finds the netlink binding on this machine, for native-binding.ts (undefined: let it look). */
function bindingHint() {
  const dir = dirname(require.resolve('netlink/package.json'));
  try {
    const found = createRequire(join(dir, 'package.json'))('node-gyp-build').path(dir);
    const file = relative(dir, found).split('\\').join('/');
    // One file in its directory: node-gyp-build's other criteria (libc, ABI tags) cannot pick another.
    if (!file.startsWith('prebuilds/') || readdirSync(dirname(found)).length !== 1) return undefined;
    return { platform: process.platform, arch: process.arch, file };
  } catch {
    return undefined;
  }
}

// The package's raw socket asks node-gyp-build for its binding relative to its own __dirname, which inside the
// bundle would be dist/fast: the call goes to native-binding.ts instead, with the hint, the bundle's require and its
// directory.
const BINDING_CALL = "require('node-gyp-build')(__dirname + '/..')";
const nativeBinding = {
  name: 'netlink-native-binding',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]netlink[\\/]dist[\\/]raw\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(BINDING_CALL)) {
        throw new Error(
          `${args.path} no longer loads its binding with ${BINDING_CALL}: update ${relative(root, fileURLToPath(import.meta.url))}`,
        );
      }
      const loader = JSON.stringify(join(root, 'dist/src/netlink/native-binding.js'));
      const call = `require(${loader}).loadNetlinkBinding(${JSON.stringify(bindingHint())}, require, __dirname)`;
      return { contents: text.replace(BINDING_CALL, call), loader: 'js' };
    });
  },
};

// node:net takes ~1 ms to load and the bundle needs its address validators only for some inputs (an IPv6 target, a
// prefix, an ignore file): its exports are handed over on first use instead, by a module of getters.
const lazyNet = {
  name: 'lazy-node-net',
  setup(b) {
    const names = Object.keys(require('node:net'));
    b.onResolve({ filter: /^node:net$/ }, (args) =>
      args.namespace === 'lazy-builtin'
        ? { path: 'node:net', external: true }
        : { path: 'node:net', namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: [
        'let net;',
        ...names.map(
          (n) =>
            `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => (net ??= require('node:net'))[${JSON.stringify(n)}] });`,
        ),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'dist/src/cli/fast-path.js')],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  write: false,
  outfile: join(out, BUNDLE),
  // bin/run.js runs the bundle with __filename set: import.meta.url is the bundle's own URL, as in an ES module.
  define: { 'import.meta.url': '__bundleUrl' },
  plugins: [nativeBinding, lazyNet],
  // Packages only `crowdsec pull` needs, and only with machine credentials or metrics: loaded from node_modules
  // when used, instead of doubling what every `ban` reads.
  external: ['prom-client', 'yaml'],
  // A third less to read and keep in memory; names stay, for stack traces (PORTSENTINEL_FAST_PATH=0 runs the
  // unbundled modules, for debugging).
  minifyWhitespace: true,
  logLevel: 'warning',
});
// ASCII only, so that bin/run.js can read it as latin1, several times faster than decoding UTF-8. esbuild escapes
// strings, identifiers and patterns already; what is left is comment text.
const code = result.outputFiles[0].text.replace(
  /[^\0-\x7f]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
);
// The first line names the build; a code cache records it and is used only with the bundle it was written for.
// Then the modules' strict mode for the whole file, which esbuild's own directive would not give once anything
// precedes it. Then import.meta.url: an absolute path of plain names (letters, digits, _ . -; no . or .. step) is
// its own URL after file://, and pathToFileURL (~0.3 ms on a cold start) handles the rest.
const head = [
  '"use strict";',
  'var __bundleUrl = /^(\\/(?!\\.\\.?(\\/|$))[\\w.-]+)+$/.test(__filename) ? "file://" + __filename :',
  '  require("node:url").pathToFileURL(__filename).href;',
].join('\n');
// bin/run.js compiles the bundle as a script, which has no way to load an ES module.
if (/\bimport\(/.test(code)) throw new Error('the fast path bundle has a dynamic import() left: bundle the module');
const buildId = createHash('sha256').update(head).update(code).digest('hex').slice(0, 16);
writeFileSync(join(out, BUNDLE), `// portsentinel fast path, build ${buildId}\n${head}\n${code}`);
copyFileSync(join(root, 'dist/src/cli/fast-path.json'), join(out, 'fast-path.json'));

// ---- the code cache ----

const NLMSG_ERROR = 2;
const NLM_F_ACK = 4;
const NFT_MSG_GETGEN = (10 << 8) | 16;
const NFT_MSG_NEWGEN = (10 << 8) | 15;

function message(type, seq, payload) {
  const buf = Buffer.alloc(16 + payload.length);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt32LE(seq, 8);
  payload.copy(buf, 16);
  return buf;
}

/** nf_tables as the warm-up sees it: a generation id for GETGEN, an ACK for every message that asks for one. */
function kernelReplies(datagram) {
  const replies = [];
  for (let pos = 0; pos + 16 <= datagram.length;) {
    const len = datagram.readUInt32LE(pos);
    if (len < 16) break;
    const type = datagram.readUInt16LE(pos + 4);
    const flags = datagram.readUInt16LE(pos + 6);
    const seq = datagram.readUInt32LE(pos + 8);
    if (type === NFT_MSG_GETGEN) {
      const gen = Buffer.alloc(12);
      gen.writeUInt16LE(8, 4);
      gen.writeUInt16LE(1, 6); // NFTA_GEN_ID
      gen.writeUInt32BE(1, 8);
      replies.push(message(NFT_MSG_NEWGEN, seq, gen));
    }
    if (flags & NLM_F_ACK)
      replies.push(message(NLMSG_ERROR, seq, Buffer.concat([Buffer.alloc(4), datagram.subarray(pos, pos + 16)])));
    pos += (len + 3) & ~3;
  }
  return Buffer.concat(replies);
}

/** The binding's NativeNetlink, answered by kernelReplies. */
class StandInNetlink {
  constructor(_protocol, _bufferSize, onMessage) {
    this.onMessage = onMessage;
  }
  bind() {}
  send(_port, _groups, buffers, callback) {
    const reply = kernelReplies(Buffer.concat(buffers));
    setImmediate(() => {
      callback(undefined);
      if (reply.length > 0) this.onMessage(reply, { truncated: false });
    });
  }
  close() {}
  ref() {}
  unref() {}
  getSendBufferSize() {
    return 425984;
  }
  getRecvBufferSize() {
    return 425984;
  }
  setSendBufferSize() {}
  setRecvBufferSize() {}
}

/** The bundle's require, with the stand-in wherever the netlink binding (or node-gyp-build, to find it) is asked for. */
function warmUpRequire() {
  const real = createRequire(join(out, BUNDLE));
  const standIn = { NativeNetlink: StandInNetlink };
  const req = (id) => {
    if (id.endsWith('.node')) return standIn;
    if (id.includes('node-gyp-build')) return () => standIn;
    // Anything else of the package could open a real socket: the warm-up must never reach the kernel.
    if (id.includes('netlink')) throw new Error(`the warm-up would load ${id}: update the stand-in`);
    return real(id);
  };
  req.resolve = real.resolve;
  return req;
}

/** Runs `ban` once with the stand-in kernel, quietly, in a scratch state directory; what it printed on failure. */
async function warmUp(runFastPath) {
  const scratch = mkdtempSync(join(tmpdir(), 'portsentinel-warm-up-'));
  // findNft() only checks that an nft executable exists; with the stand-in kernel ACKing, setup never runs it.
  mkdirSync(join(scratch, 'bin'));
  writeFileSync(join(scratch, 'bin/nft'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(scratch, 'bin/nft'), 0o755);
  const saved = { path: process.env.PATH, out: process.stdout.write, err: process.stderr.write };
  let printed = '';
  process.env.PATH = `${join(scratch, 'bin')}:${saved.path ?? ''}`;
  process.stdout.write = process.stderr.write = (chunk) => ((printed += String(chunk)), true);
  try {
    // A config file, as most hosts have, so that reading and decoding one is part of the run.
    writeFileSync(join(scratch, 'portsentry.conf'), DEFAULT_CONFIG_TEXT);
    const argv = ['ban', '192.0.2.9', '--timeout', '1h', '--config', join(scratch, 'portsentry.conf')];
    await runFastPath([...argv, '--state-dir', join(scratch, 'state'), '--backend', 'nftables']);
    return process.exitCode ? printed : undefined;
  } finally {
    process.env.PATH = saved.path;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = undefined;
    rmSync(scratch, { recursive: true, force: true });
  }
}

const fast = loadFastPath(out, { cache: false, require: warmUpRequire() });
const failed = await warmUp(fast.exports.runFastPath);
if (failed !== undefined) console.warn(`fast path warm-up failed, the code cache covers less: ${failed.trim()}`);
const temp = join(out, `${CACHE}.tmp-${process.pid}`);
writeFileSync(temp, Buffer.concat([Buffer.from(fast.header, 'latin1'), fast.script.createCachedData()]));
renameSync(temp, join(out, CACHE));
