// Whether human output is coloured: chalk's terminal detection, overruled by NO_COLOR (https://no-color.org: set
// and not empty means no colour), which chalk itself does not read.
import chalk from 'chalk';

export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return chalk.level > 0;
}
