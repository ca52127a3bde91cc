// The oclif flags every ban-set command shares: --config, --state-dir and --backend.
import { Flags } from '@oclif/core';
import { BAN_SET_CHOICES } from '../config/backends.js';

export const sharedFlags = {
  config: Flags.string({
    description: 'portsentry.conf to read (default /etc/portsentry/portsentry.conf, else the embedded default)',
    helpValue: 'FILE',
  }),
  'state-dir': Flags.string({
    description: 'directory of the ban journal (default $PORTSENTINEL_STATE_DIR or /var/lib/portsentinel)',
    helpValue: 'DIR',
  }),
  backend: Flags.option({
    description: 'ban set to use (default BAN_BACKEND from the config; file keeps bans in a file, for tests)',
    options: BAN_SET_CHOICES,
  })(),
};
