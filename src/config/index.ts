// The config module's public face: parse (pure), load (I/O), format.
export { parseConfigText, type ConfigParseResult, type Dialect } from './parse.js';
export { parseIgnoreText, type IgnoreParseResult } from './ignore.js';
export { formatProblem, type ConfigProblem, type Severity } from './problem.js';
export { DEFAULT_CONFIG_TEXT } from './default-config.js';
export type { IgnoreEntry, PortSentryConfig } from './types.js';
