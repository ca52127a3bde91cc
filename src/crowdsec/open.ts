// The Local API client a config asks for: its URL (CROWDSEC_LAPI_URL, else the machine file's url), the bouncer
// key and the machine credentials read from their secret files. Nothing secret ever comes from the command line.
import type { PortSentryConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { readBouncerKey, readMachineCredentials } from './credentials.js';
import { LapiClient } from './lapi-client.js';

export interface Fleet {
  client: LapiClient;
  url: string;
  pull: boolean;
  push: boolean;
}

export function lapiUrlOf(config: PortSentryConfig): string | undefined {
  if (config.crowdsecLapiUrl) return config.crowdsecLapiUrl;
  if (config.crowdsecMachineCredentials) {
    try {
      return readMachineCredentials(config.crowdsecMachineCredentials).url;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The client for what the config enables, or undefined when it names no Local API at all. */
export function openFleet(config: PortSentryConfig, need: { pull?: boolean; push?: boolean } = {}): Fleet | undefined {
  const keyFile = config.crowdsecBouncerKeyFile;
  const machineFile = config.crowdsecMachineCredentials;
  if (need.pull && !keyFile) {
    throw new InputError(
      'CROWDSEC_BOUNCER_KEY_FILE is not set; put the key `cscli bouncers add NAME -o raw` printed in a file and name it there',
      'E_CROWDSEC_CONFIG',
    );
  }
  if (!keyFile && !machineFile) return undefined;
  const machine = machineFile ? readMachineCredentials(machineFile) : undefined;
  const url = config.crowdsecLapiUrl ?? machine?.url;
  if (!url) {
    throw new InputError(
      'CROWDSEC_LAPI_URL is not set and the machine credentials name no url; set it to the Local API, e.g. http://192.0.2.1:8080/',
      'E_CROWDSEC_CONFIG',
    );
  }
  try {
    new URL(url);
  } catch (err) {
    throw new InputError(
      `the Local API URL "${url}" is not a URL; write one such as http://192.0.2.1:8080/`,
      'E_CROWDSEC_CONFIG',
      err,
    );
  }
  const bouncerKey = keyFile ? readBouncerKey(keyFile) : undefined;
  const client = new LapiClient({ url, bouncerKey, machine });
  return { client, url, pull: bouncerKey !== undefined, push: machine !== undefined };
}
