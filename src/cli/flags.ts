// The oclif flags shared by the commands: declared once here so that every command reading a config spells
// --config/-c, --state-dir and --backend the same way (the fast path's copy is extracted from these at build time).
import { Flags } from '@oclif/core';
import { BAN_SET_CHOICES } from '../config/backends.js';

export const configFlag = Flags.string({
  char: 'c',
  description:
    'portsentry.conf to read (default /etc/portsentry/portsentry.conf, else built-in; `embedded` forces built-in)',
  helpValue: 'FILE',
});

export const stateDirFlag = Flags.string({
  description: 'directory of the ban journal (default $PORTSENTINEL_STATE_DIR or /var/lib/portsentinel)',
  helpValue: 'DIR',
});

/** The ban commands' --backend (watch has its own: it may also block with KILL_ROUTE). */
export const backendFlag = Flags.option({
  description: 'ban set to use (default BAN_BACKEND from the config; file keeps bans in a file, for tests)',
  options: BAN_SET_CHOICES,
})();

/** What every ban-set command takes. */
export const sharedFlags = { config: configFlag, 'state-dir': stateDirFlag, backend: backendFlag };
