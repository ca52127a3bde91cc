// Compiles every schemas/*.schema.json into a standalone ajv validator module under src/generated/,
// so no schema is compiled at start-up. src/generated/<name>.ts exports `validate` (and default).
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'src', 'generated');
mkdirSync(outDir, { recursive: true });

for (const file of readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()) {
  const name = file.replace(/\.schema\.json$/, '');
  const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true }, useDefaults: false });
  ajv.addKeyword('x-doc');
  ajv.addKeyword('x-portsentry');
  ajv.addKeyword('x-unit');
  ajv.addKeyword('x-fix');
  const validate = ajv.compile(schema);
  let code = standaloneCode(ajv, validate);
  const needsRequire = /\brequire\(/.test(code);
  const header = [
    '// @ts-nocheck',
    `// Generated from schemas/${file} by scripts/build-validators.mjs; do not edit.`,
    needsRequire ? "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);" : '',
  ].join('\n');
  writeFileSync(join(outDir, `${name}.ts`), `${header}\n${code}\n`);
}
