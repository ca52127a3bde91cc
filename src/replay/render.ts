// The human view of a replay report: summary, a table of sources, each ban's ordered actions, and with --log
// the attackalert lines. chalk decides on colour (NO_COLOR, not a TTY → none).
import chalk from 'chalk';
import type { ReplayReport, SourceRow } from './report-types.js';

const VERDICT_TEXT: Record<SourceRow['verdict'], string> = {
  banned: 'banned',
  'already-banned': 'already banned',
  'below-trigger': 'below trigger',
  ignored: 'ignored',
  'never-ban': 'never-ban',
  logged: 'logged only',
};

function colourVerdict(v: SourceRow['verdict'], text: string): string {
  if (v === 'banned') return chalk.red.bold(text);
  if (v === 'already-banned') return chalk.red(text);
  if (v === 'never-ban' || v === 'logged') return chalk.yellow(text);
  return chalk.dim(text);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

function renderTable(rows: string[][], colour: (row: number, col: number, cell: string) => string): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) =>
    r
      .map((cell, c) => colour(i, c, c === r.length - 1 ? cell : pad(cell, widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

function describeCapture(r: ReplayReport): string {
  const c = r.capture;
  const extra: string[] = [];
  if (c.short > 0) extra.push(`${c.short} cut short`);
  if (c.undecoded > 0) extra.push(`${c.undecoded} not IP`);
  if (c.reassembled > 0) extra.push(`${c.reassembled} reassembled from fragments`);
  if (c.truncated) extra.push('truncated');
  const span = c.firstTime ? `, hits ${c.firstTime} – ${c.lastTime}` : '';
  const names = c.files.map((f) => (f.path === '-' ? 'standard input' : f.path)).join(', ');
  return `${names}: ${c.format} (${c.linkTypes.join(', ') || 'no packets'}), ${c.packets} packets${extra.length ? ` (${extra.join(', ')})` : ''}${span}`;
}

function describeHosts(r: ReplayReport): string {
  if (r.hosts.length === 0) return 'none found — name it with --host';
  return r.hosts
    .map((h) => {
      if (h.basis === 'flag') return h.address;
      return `${h.address} (inferred: ${h.basis === 'answers' ? 'it answered the probes' : 'the most probed address'})`;
    })
    .join(', ');
}

function describeListening(r: ReplayReport): string {
  const l = r.listening;
  const list = (ports: number[]) => (ports.length ? ports.join(', ') : 'none');
  return `tcp ${list(l.tcp)} (${l.tcpBasis === 'flag' ? '--listening' : 'inferred'}); udp ${list(l.udp)} (${l.udpBasis === 'flag' ? '--listening' : 'inferred'})`;
}

/** The report as lines for a terminal. */
export function renderReport(r: ReplayReport, opts: { log: boolean }): string[] {
  const out: string[] = [];
  const label = (s: string) => chalk.bold(pad(s, 10));
  out.push(`${label('Capture')}${describeCapture(r)}`);
  out.push(
    `${label('Config')}${r.config.embedded ? 'embedded default' : r.config.file} (modes ${r.config.modes.join(', ')}; SCAN_TRIGGER ${r.config.scanTrigger}; BLOCK_TCP ${r.config.blockTcp}, BLOCK_UDP ${r.config.blockUdp}; backend ${r.config.backend})`,
  );
  out.push(`${label('Host')}${describeHosts(r)}`);
  out.push(`${label('Listening')}${describeListening(r)}`);
  out.push('');
  if (r.sources.length === 0) out.push('No probe reached a tripwire: nobody would be banned.');
  else {
    const header = ['SOURCE', 'FIRST SEEN (UTC)', 'PORT', 'SCAN TYPE', 'MODE', 'PROBES', 'PORTS', 'VERDICT'];
    const rows = r.sources.map((s) => [
      s.address,
      s.firstSeen,
      `${s.port}/${s.protocol}`,
      s.scanType,
      s.mode,
      String(s.probes),
      String(s.ports),
      VERDICT_TEXT[s.verdict] + (s.reason ? ` (${s.reason})` : ''),
    ]);
    out.push(
      ...renderTable([header, ...rows], (row, col, cell) => {
        if (row === 0) return chalk.bold(cell);
        if (col === 7) return colourVerdict(r.sources[row - 1].verdict, cell);
        return cell;
      }),
    );
  }
  for (const b of r.bans) {
    out.push('');
    out.push(
      `${chalk.red.bold('Ban')} ${b.address} at ${b.time} (${b.scanType} to ${b.protocol.toUpperCase()} port ${b.port}, mode ${b.mode})`,
    );
    if (b.actions.length === 0) out.push('  (no action configured)');
    b.actions.forEach((a, i) => out.push(`  ${i + 1}. ${a.text}`));
  }
  if (opts.log) {
    out.push('');
    for (const a of r.alerts) for (const line of a.log ?? []) out.push(`${a.time} ${line}`);
  }
  return out;
}
