// Runs the built CLI as a user would (bin/run.js), optionally inside a network namespace.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const binRun = join(repoRoot, 'bin', 'run.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { netns?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {},
): CliResult {
  const cmd = opts.netns ? 'ip' : process.execPath;
  const argv = opts.netns ? ['netns', 'exec', opts.netns, process.execPath, binRun, ...args] : [binRun, ...args];
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd ?? repoRoot,
    timeout: opts.timeout ?? 120_000,
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
