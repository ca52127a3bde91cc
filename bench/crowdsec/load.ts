// Loads COUNT ban decisions into a Local API as alerts of CHUNK decisions each, pushed as a machine with the
// project's own client (no CSV file). Usage: node load.js URL MACHINE_YAML COUNT  (inside the LAPI's namespace)
import { LapiClient } from '../../src/crowdsec/lapi-client.js';
import { readMachineCredentials } from '../../src/crowdsec/credentials.js';
import { addressOf } from './addresses.js';

const [url, machineFile, countText] = process.argv.slice(2);
const count = Number(countText);
/** Decisions per alert: 1.4.x stores and logs them one by one, ~1.4 s per alert of 10,000 on 2 busy cores. */
const CHUNK = 10_000;
const client = new LapiClient({ url, machine: readMachineCredentials(machineFile), timeoutMs: 600_000 });
const now = new Date().toISOString();
for (let from = 0; from < count; from += CHUNK) {
  const decisions = [];
  for (let i = from; i < Math.min(count, from + CHUNK); i++) {
    const value = addressOf(i);
    decisions.push({ origin: 'lists', type: 'ban', scope: 'Ip', value, duration: '24h', scenario: 'bench/list' });
  }
  await client.pushAlerts([
    {
      scenario: 'bench/list',
      scenario_hash: '',
      scenario_version: '',
      message: `bench list part ${from / CHUNK}`,
      events_count: 1,
      start_at: now,
      stop_at: now,
      capacity: 0,
      leakspeed: '0',
      simulated: false,
      events: [],
      source: { scope: 'Ip', value: decisions[0].value },
      decisions,
    },
  ]);
}
