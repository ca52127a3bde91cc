// The dependency rule of docs/architecture.md, checked on every `npm run lint`: each folder of src/ sits on a
// layer and imports only from layers below it (never a sibling on its own layer), a few packages are confined to
// the files that own them, and no two modules reach each other through any chain of imports. Every kind of import
// counts — value, type-only, re-export, dynamic `import()` and `typeof import()` — because a type-only cycle is
// still a pair of modules that cannot be understood, moved or tested one without the other.
//
// Usage: node scripts/check-layers.mjs [ROOT]   (ROOT defaults to the repository; its src/ is checked)
// Exit 0 when clean; exit 1 with one line per violation otherwise.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Layers, lowest first. A module may import its own folder and any folder on a lower layer. A top-level file of src/
 * is a unit of its own (errors.ts: the typed-error base) unless FILE_UNITS places it (base-command.ts: the shell).
 */
export const LAYERS = [
  ['util', 'generated', 'errors'],
  ['net'],
  ['packet', 'netlink', 'config'],
  ['detect'],
  ['capture', 'firewall', 'state'],
  ['respond', 'metrics'],
  ['bans', 'replay'],
  ['crowdsec'],
  ['watch'],
  ['cli'],
  ['commands'],
];

/** Folders that must not import a lower layer the table would allow. */
const EXTRA_DENY = {
  // The netlink stack raises typed errors (errno, operation, message type); exit codes and sentences are the
  // business of the layers that know what the user asked for.
  netlink: ['errors', 'util', 'generated'],
  // watch runs live; replay is the offline analysis. What both need (the --mode parser) lives in detect.
  watch: ['replay'],
};

/** Packages only some folders may import: package → folders (or files, relative to src/) allowed. */
const CONFINED_PACKAGES = {
  '@oclif/core': ['commands', 'cli'],
  // The raw socket of the netlink package: one owner, so its quirks are handled once.
  netlink: ['netlink/transport.ts'],
};

const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank])));

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Top-level files of src/ that belong to a folder's unit. */
const FILE_UNITS = { 'base-command': 'cli' };

/** The folder (or top-level file stem) a path under src/ belongs to. */
function unitOf(srcRel) {
  const first = srcRel.split(sep)[0];
  const stem = first.endsWith('.ts') ? first.slice(0, -3) : first;
  return FILE_UNITS[stem] ?? stem;
}

/** Every module specifier a file names, with the line it is on. */
function specifiersOf(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (lit) => {
    if (lit && ts.isStringLiteralLike(lit)) {
      found.push({ spec: lit.text, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1 });
    }
  };
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments.length === 1
    ) {
      add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The .ts file a relative specifier names, or undefined for a non-module (JSON) or a file outside the tree. */
function resolveRelative(fromFile, spec) {
  const target = resolve(dirname(fromFile), spec);
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cyclesOf(graph) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** All violations under ROOT/src, as sentences naming the file and line. */
export function checkLayers(root) {
  const src = join(root, 'src');
  const problems = [];
  const graph = new Map();
  for (const file of listTs(src)) {
    const rel = relative(src, file);
    const unit = unitOf(rel);
    const edges = new Set();
    graph.set(rel, edges);
    const where = (line) => `src/${rel.split(sep).join('/')}:${line}`;
    for (const { spec, line } of specifiersOf(file, readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (target === undefined) continue;
        const targetRel = relative(src, target);
        if (targetRel.startsWith('..')) continue;
        edges.add(targetRel);
        const other = unitOf(targetRel);
        if (other === unit) continue;
        const mine = rankOf.get(unit);
        const theirs = rankOf.get(other);
        if (mine === undefined) {
          problems.push(`${where(line)}: src/${unit} has no layer; add it to LAYERS in scripts/check-layers.mjs.`);
        } else if (theirs === undefined || theirs >= mine || (EXTRA_DENY[unit] ?? []).includes(other)) {
          const where2 =
            theirs === undefined || theirs > mine
              ? 'a layer above it'
              : theirs === mine
                ? 'a sibling on its layer'
                : 'a layer it must not use';
          problems.push(
            `${where(line)}: src/${unit} imports src/${other} (${spec}), ${where2}; ` +
              'move the shared piece down a layer or pass it in (docs/architecture.md: layers).',
          );
        }
        continue;
      }
      if (spec.startsWith('node:')) continue;
      const pkg = packageOf(spec);
      const allowed = CONFINED_PACKAGES[pkg];
      if (allowed && !allowed.some((a) => a === unit || a === rel.split(sep).join('/'))) {
        problems.push(`${where(line)}: only ${allowed.map((a) => `src/${a}`).join(', ')} may import ${pkg}.`);
      }
    }
  }
  for (const cycle of cyclesOf(graph)) {
    problems.push(
      `import cycle: ${cycle.map((f) => `src/${f.split(sep).join('/')}`).join(' <-> ')}; break it (docs/architecture.md: layers).`,
    );
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLayers(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} layering problem(s) in ${join(root, 'src')}.`);
    process.exit(1);
  }
}
