#!/usr/bin/env node
// The hot commands take the fast path (no CLI framework to load); everything else, and any argument list the fast
// path does not fully understand, goes through oclif.
//
// CommonJS (bin/package.json), unlike the rest of the package: an ES module entry starts Node's ES module loader,
// a few milliseconds a one-address `ban` would spend on nothing. The fast path is one CommonJS bundle compiled with
// the V8 code cache the build wrote beside it, so that its functions arrive compiled; a cache that does not belong
// to this bundle, this Node or this architecture is never handed to V8, and one V8 refuses only costs the compile.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const FAST_DIR = join(__dirname, '..', 'dist', 'fast');
const BUNDLE = 'fast-path.cjs';
const CACHE = 'fast-path.cache';

/**
 * What a cache must start with to be used for `source`: the Node version and architecture it was made by, and the
 * bundle's first line, which names its build (V8's own check compares only the source's length).
 */
function cacheHeader(source) {
  return `portsentinel code cache\n${process.version} ${process.arch}\n${source.slice(0, source.indexOf('\n'))}\n`;
}

/** The code cache in `dir` without its header; undefined when there is none or it does not start with `header`. */
function readCache(dir, header) {
  try {
    const cache = readFileSync(join(dir, CACHE));
    if (cache.length > header.length && cache.toString('latin1', 0, header.length) === header) {
      return cache.subarray(header.length);
    }
  } catch {
    // No cache: compiled from source.
  }
  return undefined;
}

/**
 * Compiles and runs the bundle in `dir` as a CommonJS module. `cache: false` compiles from source (the build, which
 * then writes the cache); `require` is what the bundle gets as its require (the build stands in for the netlink
 * binding with it). Returns the module's exports, the compiled script and whether V8 took the cache.
 */
function loadFastPath(dir = FAST_DIR, opts = {}) {
  const { Script } = require('node:vm');
  const file = join(dir, BUNDLE);
  // The build writes ASCII only: latin1 reads it as UTF-8 would, without the decoding.
  const source = readFileSync(file, 'latin1');
  const header = cacheHeader(source);
  const cachedData = opts.cache === false ? undefined : readCache(dir, header);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const mod = { exports: {} };
  // This file's own require: the bundle asks only for built-in modules and for packages by name, which resolve
  // from bin/ as from dist/fast/ (one package), and createRequire costs half a millisecond on a cold start.
  const bundleRequire = opts.require ?? require;
  script.runInThisContext().call(mod.exports, mod.exports, bundleRequire, mod, file, dir);
  return {
    exports: mod.exports,
    script,
    header,
    cached: cachedData !== undefined && !script.cachedDataRejected,
  };
}

function flushed(stream) {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

async function main() {
  const { runFastPath } = loadFastPath().exports;
  // A reader that stops early (`portsentinel replay big.pcap | head`) is not an error, on either path.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') return;
    // Output that cannot be written has nowhere to go: one sentence and out, before any other listener turns the
    // error into a stack trace (oclif's rethrows it).
    process.stderr.write(`portsentinel: cannot write to standard output: ${err.message}\n`);
    process.exit(1);
  });
  if (await runFastPath(process.argv.slice(2))) {
    // The command is done once its output is out: exit now instead of waiting for V8 to tear down the heap a large
    // replay or ban list leaves behind (tens of milliseconds).
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit();
  } else {
    const { execute } = await import('@oclif/core');
    // The package root, not this file: oclif looks for the nearest package.json, which here is bin/'s own.
    await execute({ dir: join(__dirname, '..') });
  }
}

module.exports = { loadFastPath, cacheHeader, FAST_DIR, BUNDLE, CACHE };

if (require.main === module) void main();
