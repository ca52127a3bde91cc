// `portsentinel replay`: a dry run of the engine over recorded captures; prints who would be banned and the
// exact ordered actions. Touches nothing.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { configFlag } from '../cli/flags.js';
import { BLOCK_METHODS } from '../config/backends.js';
import type { ReplayReport } from '../replay/report-types.js';

export default class Replay extends BaseCommand<ReplayReport | undefined> {
  static override summary = 'Run the detector over a recorded capture and show who would be banned, and how';
  static override description =
    "Decodes pcap/pcapng captures (or standard input with -) and judges every packet with PortSentry's rules " +
    'and your portsentry.conf, exactly as watch would live. Prints each source, its verdict, and for each ban ' +
    'the actions in the order they would run. Nothing is written and no command is run. Without --host and ' +
    '--listening, the protected host and its listening ports are inferred from the capture.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> scan.pcap',
    '<%= config.bin %> <%= command.id %> scan.pcapng --config ./portsentry.conf --mode stcp,sudp --log',
    'tcpdump -w - -i eth0 | <%= config.bin %> <%= command.id %> - --host 192.0.2.10 --json',
  ];
  static override strict = false;
  static override args = {
    capture: Args.string({ description: 'capture file (pcap or pcapng), or - for standard input', required: true }),
  };
  static override flags = {
    config: configFlag,
    mode: Flags.string({
      char: 'm',
      description: 'comma list of tcp, udp, stcp, sudp, atcp, audp (default: TCP_MODE/UDP_MODE of the config)',
      helpValue: 'LIST',
    }),
    host: Flags.string({
      description: 'an address of the protected host (repeatable; default: inferred from the capture)',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'ADDR',
    }),
    listening: Flags.string({
      description: 'ports with a listener, e.g. tcp:22,80 or udp:53 (repeatable; default: inferred)',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'PROTO:PORTS',
    }),
    backend: Flags.string({
      description: "ban backend to plan for (default: the config's, nftables for auto)",
      options: [...BLOCK_METHODS],
    }),
    log: Flags.boolean({ description: 'print the attackalert lines PortSentry would log' }),
  };

  async run(): Promise<ReplayReport | undefined> {
    const { flags, argv } = await this.parse(Replay);
    const { replay } = await import('../cli/actions/replay.js');
    return replay(flags, argv as string[], this.io());
  }
}
