// Loads COUNT ban decisions into a Local API as alerts of CHUNK decisions each, pushed as a machine (on 1.4.x
// faster than `cscli decisions import`). Usage: node load.js URL MACHINE_YAML COUNT  (inside the LAPI's namespace)
import { LapiClient } from '../../src/crowdsec/lapi-client.js';
import { readMachineCredentials } from '../../src/crowdsec/credentials.js';
import { addressOf } from './addresses.js';

const [url, machineFile, countText] = process.argv.slice(2);
const count = Number(countText);
/** Decisions per alert: one alert of 10,000 stalls a busy 1.4.x Local API for minutes; 1,000 do not. */
const CHUNK = 1000;
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
