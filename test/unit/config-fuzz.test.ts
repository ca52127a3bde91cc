// Random bytes and mutated real configs into the parsers, reproducibly (seeded PRNG): they never throw, and every
// problem is well formed and points inside the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/parse.js';
import { parseIgnoreText } from '../../src/config/ignore.js';
import { decodeText } from '../../src/config/load.js';
import type { ConfigProblem } from '../../src/config/problem.js';
import { repoRoot } from '../helpers/cli.js';
import { prng } from '../helpers/prng.js';

const goodDir = join(repoRoot, 'fixtures', 'configs', 'good');
const seeds = readdirSync(goodDir)
  .filter((f) => f.endsWith('.conf') || f.endsWith('.ignore'))
  .sort()
  .map((f) => readFileSync(join(goodDir, f), 'utf8'));
const ALPHABET = ['"', '=', ' ', '\n', '#', ',', '-', '$', '/', '0', '9', 'A', '_', '\u0000', '\uFFFD', ':', '\r', "'"];

function assertWellFormed(problems: ConfigProblem[], text: string, file: string): void {
  const lines = text.split('\n').length;
  for (const p of problems) {
    assert.ok(p.severity === 'error' || p.severity === 'warning');
    assert.equal(p.file, file);
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines, `line ${p.line} of ${lines}`);
    assert.ok(Number.isInteger(p.column) && p.column >= 1);
    assert.ok(p.key === null || (typeof p.key === 'string' && p.key.length > 0));
    assert.ok(typeof p.message === 'string' && p.message.length > 0 && !p.message.includes('\n'), p.message);
  }
}

function mutate(text: string, rnd: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const pick = rnd();
    if (pick < 0.4) out = out.slice(0, at) + ALPHABET[Math.floor(rnd() * ALPHABET.length)] + out.slice(at);
    else if (pick < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
    else if (pick < 0.85) {
      const lines = out.split('\n');
      const j = Math.floor(rnd() * lines.length);
      lines.splice(j, 0, lines[Math.floor(rnd() * lines.length)]);
      out = lines.join('\n');
    } else out = out.slice(0, at) + String(Math.floor(rnd() * 200000) - 100000) + out.slice(at);
  }
  return out;
}

function checkConfigResult(text: string): void {
  const r = parseConfigText(text, 'fuzz.conf');
  assertWellFormed(r.problems, text, 'fuzz.conf');
  for (const ports of [
    r.config.tcpPorts,
    r.config.udpPorts,
    r.config.advancedExcludeTcp,
    r.config.advancedExcludeUdp,
  ]) {
    assert.ok(ports.every((p, i) => Number.isInteger(p) && p >= 1 && p <= 65535 && (i === 0 || ports[i - 1] < p)));
  }
  assert.ok([0, 1, 2].includes(r.config.blockTcp) && [0, 1, 2].includes(r.config.blockUdp));
  assert.ok(Number.isInteger(r.config.banTimeout) && r.config.banTimeout >= 0);
}

test('random bytes never make the parsers throw', () => {
  const rnd = prng(0x5eed);
  for (let i = 0; i < 2000; i++) {
    const bytes = Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
    const text = decodeText(bytes);
    checkConfigResult(text);
    const ig = parseIgnoreText(text, 'fuzz.ignore');
    assertWellFormed(ig.problems, text, 'fuzz.ignore');
  }
});

test('mutated real configs and ignore files never make the parsers throw', () => {
  const rnd = prng(20260511);
  for (let i = 0; i < 3000; i++) {
    const text = mutate(seeds[i % seeds.length], rnd);
    checkConfigResult(text);
    assertWellFormed(parseIgnoreText(text, 'fuzz.ignore').problems, text, 'fuzz.ignore');
  }
});
