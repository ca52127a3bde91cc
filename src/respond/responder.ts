// One detection in, one executed (or, with --dry-run, only described) response out: validate the macro values,
// plan in PortSentry's order, apply the bans-per-minute cap, run the steps.
import type { BlockMethod } from '../config/backends.js';
import type { PortSentryConfig } from '../config/types.js';
import type { BanSet } from '../firewall/banset.js';
import { planActions, type Action, type Detection } from './plan.js';
import { assertSafeDetection } from './validate.js';
import { BanRateCap } from './rate-cap.js';
import { executePlan, type ActionOutcome } from './execute.js';
import * as lines from './log-lines.js';

export interface ResponderOptions {
  config: PortSentryConfig;
  backend: BlockMethod;
  banSet?: BanSet;
  dryRun?: boolean;
  log: (line: string) => void;
  now?: () => number;
  /**
   * Warm-up only: plan and execute as usual, but only the ban-set step acts (hosts.deny, KILL_ROUTE and
   * KILL_RUN_CMD are passed over) and no cap applies. Runs the real response code on made-up detections.
   */
  trial?: boolean;
  /** The caller applies MAX_BANS_PER_MINUTE itself (watch ranks sources by evidence before it responds). */
  uncapped?: boolean;
}

export interface ResponseReport {
  detection: Detection;
  actions: Action[];
  outcomes: ActionOutcome[];
  /** Why nothing was done, when the cap refused the response. */
  refused?: string;
  blocked: boolean;
  dryRun: boolean;
}

export class Responder {
  private config: PortSentryConfig;
  private cap: BanRateCap;

  constructor(private readonly opts: ResponderOptions) {
    this.config = opts.config;
    this.cap = new BanRateCap(opts.trial || opts.uncapped ? 0 : opts.config.maxBansPerMinute, opts.now);
  }

  /** SIGHUP: new config; the cap window restarts only when the limit itself changed. */
  reconfigure(config: PortSentryConfig): void {
    if (config.maxBansPerMinute !== this.config.maxBansPerMinute && !this.opts.trial && !this.opts.uncapped) {
      this.cap = new BanRateCap(config.maxBansPerMinute, this.opts.now);
    }
    this.config = config;
  }

  /**
   * Runs the response to one detection. `announce` is called once before the first response line is logged: right
   * after the kernel ban was sent when the plan starts with it, so a caller that logs the detection there keeps
   * its logging off the time to the ban (see executePlan).
   */
  async respond(d: Detection, announce?: () => void): Promise<ResponseReport> {
    assertSafeDetection(d);
    const actions = planActions(this.config, d, this.opts.backend);
    const base = { detection: d, actions, outcomes: [], blocked: false, dryRun: this.opts.dryRun === true };
    if (actions.length === 0) {
      announce?.();
      this.opts.log(lines.ignoringLine(d.protocol));
      return base;
    }
    if (!this.cap.tryTake()) {
      announce?.();
      this.opts.log(lines.capRefusedLine(d.address, this.config.maxBansPerMinute));
      return { ...base, refused: `MAX_BANS_PER_MINUTE (${this.config.maxBansPerMinute}) reached` };
    }
    if (this.opts.dryRun) {
      announce?.();
      for (const a of actions) this.opts.log(`attackalert: dry run: would ${a.text}`);
      return base;
    }
    const { outcomes, blocked } = await executePlan(actions, d, {
      banSet: this.opts.banSet,
      commandTimeoutMs: this.config.commandTimeout * 1000,
      log: this.opts.log,
      announce,
      onlyBans: this.opts.trial,
    });
    return { ...base, outcomes, blocked };
  }
}
