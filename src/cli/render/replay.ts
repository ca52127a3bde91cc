// The human view of a replay report: summary, a table of sources, each ban's ordered actions, and with --log
// the attackalert lines. chalk decides on colour (not a TTY → none), NO_COLOR turns it off (src/cli/colour.ts).
import chalk from 'chalk';
import { colourWanted } from '../colour.js';
import { flatText } from '../../util/flat-text.js';
import type { ReplayReport, SourceRow } from '../../replay/report-types.js';

const VERDICT_TEXT: Record<SourceRow['verdict'], string> = {
  banned: 'banned',
  'already-banned': 'already banned',
  'below-trigger': 'below trigger',
  ignored: 'ignored',
  'never-ban': 'never-ban',
  logged: 'logged only',
};

// chalk builds a new style object on every property access (chalk.red.bold), so the styles a report uses are
// looked up once per report, not once per row.
interface Styles {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  redBold: (s: string) => string;
  yellow: (s: string) => string;
}

function lookUpStyles(): Styles {
  if (!colourWanted()) {
    const plain = (s: string) => s;
    return { bold: plain, dim: plain, red: plain, redBold: plain, yellow: plain };
  }
  return { bold: chalk.bold, dim: chalk.dim, red: chalk.red, redBold: chalk.red.bold, yellow: chalk.yellow };
}

function colourVerdict(st: Styles, v: SourceRow['verdict'], text: string): string {
  if (v === 'banned') return st.redBold(text);
  if (v === 'already-banned') return st.red(text);
  if (v === 'never-ban' || v === 'logged') return st.yellow(text);
  return st.dim(text);
}

// Runs of spaces by length, built once: padding thousands of cells would otherwise make a new string per cell.
const SPACES: string[] = [''];

function pad(text: string, width: number): string {
  const n = width - text.length;
  if (n <= 0) return text;
  while (SPACES.length <= n) SPACES.push(`${SPACES[SPACES.length - 1]} `);
  return text + SPACES[n];
}

function renderTable(rows: string[][], colour: (row: number, col: number, cell: string) => string): string[] {
  const widths = rows[0].map(() => 0);
  for (const r of rows) for (let c = 0; c < r.length; c++) if (r[c].length > widths[c]) widths[c] = r[c].length;
  const last = widths.length - 1;
  const out: string[] = new Array(rows.length);
  const cells: string[] = new Array(last + 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let c = 0; c <= last; c++) cells[c] = colour(i, c, c === last ? r[c] : pad(r[c], widths[c]));
    // join() makes each line one flat string (concatenation would make a rope of every cell and its padding)
    out[i] = cells.join('  ').trimEnd();
  }
  return out;
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
  const st = lookUpStyles();
  const label = (s: string) => st.bold(pad(s, 10));
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
    const table = renderTable([header, ...rows], (row, col, cell) => {
      if (row === 0) return st.bold(cell);
      if (col === 7) return colourVerdict(st, r.sources[row - 1].verdict, cell);
      return cell;
    });
    for (const line of table) out.push(line);
  }
  const ban = st.redBold('Ban');
  for (const b of r.bans) {
    out.push('');
    out.push(
      flatText(
        ban,
        ' ',
        b.address,
        ' at ',
        b.time,
        ' (',
        b.scanType,
        ' to ',
        b.protocol.toUpperCase(),
        ' port ',
        String(b.port),
        ', mode ',
        b.mode,
        ')',
      ),
    );
    if (b.actions.length === 0) out.push('  (no action configured)');
    for (let i = 0; i < b.actions.length; i++) out.push(flatText('  ', String(i + 1), '. ', b.actions[i].text));
  }
  if (opts.log) {
    out.push('');
    for (const a of r.alerts) for (const line of a.log ?? []) out.push(`${a.time} ${line}`);
  }
  return out;
}
