// A throwaway CrowdSec Local API for one test: its own config folder (sqlite in a temp dir, no hub, no Central
// API), started with `crowdsec -no-cs -no-capi` inside a network namespace; machines, bouncer keys and decisions
// made with cscli at test time. stop() ends the process by its pid; the folder goes with the test's directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Netns } from '../helpers/netns.js';

export interface Lapi {
  url: string;
  config: string;
  /** cscli with this LAPI's config, inside its namespace (decisions add/delete talk to the LAPI). */
  cscli(...args: string[]): string;
  addMachine(name: string): string;
  addBouncer(name: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

const PROFILES = `name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
`;

export function makeLapi(ns: Netns, address: string, dir: string): Lapi {
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'hub'), { recursive: true });
  writeFileSync(join(dir, 'hub', '.index.json'), '{}');
  if (existsSync('/etc/crowdsec/profiles.yaml'))
    copyFileSync('/etc/crowdsec/profiles.yaml', join(dir, 'profiles.yaml'));
  else writeFileSync(join(dir, 'profiles.yaml'), PROFILES);
  writeFileSync(join(dir, 'acquis.yaml'), '');
  writeFileSync(join(dir, 'simulation.yaml'), 'simulation: false\n');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}/`;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'common:',
      '  daemonize: false',
      '  log_media: stdout',
      '  log_level: info',
      'config_paths:',
      `  config_dir: ${dir}`,
      `  data_dir: ${dir}/data`,
      `  simulation_path: ${dir}/simulation.yaml`,
      `  hub_dir: ${dir}/hub`,
      `  index_path: ${dir}/hub/.index.json`,
      'crowdsec_service:',
      `  acquisition_path: ${dir}/acquis.yaml`,
      'db_config:',
      '  type: sqlite',
      `  db_path: ${dir}/data/crowdsec.db`,
      '  use_wal: true',
      'api:',
      '  client:',
      `    credentials_path: ${dir}/local_api_credentials.yaml`,
      '  server:',
      `    listen_uri: ${host}:${port}`,
      `    profiles_path: ${dir}/profiles.yaml`,
      'prometheus:',
      '  enabled: false',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let output = '';
  const cscli = (...args: string[]): string => {
    const r = spawnSync('ip', ['netns', 'exec', ns.name, 'cscli', '-c', config, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0)
      throw new Error(`cscli ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  // cscli's own client credentials, for decisions add/delete.
  cscli(
    'machines',
    'add',
    'cscli-local',
    '--password',
    'local-pw-0123456789',
    '-f',
    join(dir, 'local_api_credentials.yaml'),
    '--url',
    url,
  );
  return {
    url,
    config,
    cscli,
    addMachine(name) {
      const file = join(dir, `${name}.yaml`);
      cscli('machines', 'add', name, '--password', `pw-${name}-0123456789`, '-f', file, '--url', url);
      chmodSync(file, 0o600);
      return file;
    },
    addBouncer(name) {
      const key = `key-${name}-${Math.random().toString(36).slice(2)}`;
      cscli('bouncers', 'add', name, '-k', key, '-o', 'raw');
      const file = join(dir, `${name}.key`);
      writeFileSync(file, key + '\n', { mode: 0o600 });
      return file;
    },
    async start() {
      child = spawn('ip', ['netns', 'exec', ns.name, 'crowdsec', '-c', config, '-no-cs', '-no-capi'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const r = spawnSync(
          'ip',
          ['netns', 'exec', ns.name, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `${url}v1/heartbeat`],
          {
            encoding: 'utf8',
          },
        );
        if (/^[1-5]\d\d$/.test(r.stdout) && r.stdout !== '000') return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the Local API did not start: ${output.slice(-2000)}`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
    log: () => output,
  };
}
