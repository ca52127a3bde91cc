// Loads COUNT ban decisions into a Local API as alerts of 10,000 decisions each, pushed as a machine (far faster
// than `cscli decisions import` on 1.4.x). Usage: node load.js URL MACHINE_YAML COUNT  (inside the LAPI's namespace)
import { LapiClient } from '../../src/crowdsec/lapi-client.js';
import { readMachineCredentials } from '../../src/crowdsec/credentials.js';
import { addressOf } from './addresses.js';

const [url, machineFile, countText] = process.argv.slice(2);
const count = Number(countText);
const client = new LapiClient({ url, machine: readMachineCredentials(machineFile), timeoutMs: 600_000 });
const now = new Date().toISOString();
for (let from = 0; from < count; from += 10_000) {
  const decisions = [];
  for (let i = from; i < Math.min(count, from + 10_000); i++) {
    const value = addressOf(i);
    decisions.push({ origin: 'lists', type: 'ban', scope: 'Ip', value, duration: '24h', scenario: 'bench/list' });
  }
  await client.pushAlerts([
    {
      scenario: 'bench/list',
      scenario_hash: '',
      scenario_version: '',
      message: `bench list part ${from / 10_000}`,
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
