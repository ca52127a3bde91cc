// Checks of paths the config names (ignore file, history and blocked files, hosts.deny, command programs).
// Pure: whether a path exists is asked of the caller, so configs can be checked away from their host.
// Missing paths are warnings: a config is often checked on another machine than the one it protects.
import type { PortSentryConfig } from './types.js';
import type { ConfigProblem } from './problem.js';
import type { KeyPosition } from './checks.js';

export type PathExists = (path: string) => boolean;

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The program a command line starts, when it is written as an absolute path. */
function programOf(command: string): string | undefined {
  const first = command.trim().split(/\s+/)[0] ?? '';
  return first.startsWith('/') ? first : undefined;
}

export function checkFiles(
  config: PortSentryConfig,
  keys: Record<string, KeyPosition>,
  file: string,
  exists: PathExists,
  resolve: (path: string) => string = (p) => p,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const warn = (key: string, message: string, fallbackKey?: string) => {
    const pos = keys[key] ?? (fallbackKey && keys[fallbackKey]) ?? { line: 1, column: 1 };
    problems.push({ severity: 'warning', file, line: pos.line, column: pos.column, key, message });
  };

  if (config.ignoreFile && !exists(resolve(config.ignoreFile))) {
    warn('IGNORE_FILE', `"${config.ignoreFile}" does not exist on this machine; no address is ignored until it does`);
  }
  for (const [key, path] of [
    ['HISTORY_FILE', config.historyFile],
    ['BLOCKED_FILE', config.blockedFile],
    ...(config.killHostsDeny ? [['HOSTS_DENY_FILE', config.hostsDenyFile]] : []),
  ] as Array<[string, string | undefined]>) {
    if (path && !exists(parentOf(resolve(path)))) {
      // hosts.deny is usually left at its default, so the warning goes to the line that makes it matter.
      const message = `directory "${parentOf(resolve(path))}" of "${path}" does not exist on this machine; create it`;
      warn(key, message, 'KILL_HOSTS_DENY');
    }
  }
  const commands: Array<[string, string | undefined]> = [
    ['KILL_RUN_CMD', config.killRunCmd],
    ['KILL_ROUTE', config.banBackend === 'command' ? config.killRoute : undefined],
  ];
  for (const [key, command] of commands) {
    const program = command && programOf(command);
    if (program && !exists(program)) warn(key, `runs "${program}", which does not exist on this machine`);
  }
  return problems;
}
