import type { EmulatorClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import type { SeededRandom } from "./random.js";
import type { DestinationRuleTable } from "./rules.js";
import type { Account, EmulatorState } from "./state.js";
import type { WebhookPusher } from "./webhooks.js";

export interface EmulatorOptions {
  /** Port to listen on (0 = any free port). */
  port?: number;
  host?: string;
  /** PRNG seed for probabilistic faults. */
  seed?: number;
  accessTokenTtlMs?: number;
  refreshTokenTtlMs?: number;
  /** Per-IP limit (CJ: 10 req/s). */
  ipQps?: number;
  /** Default per-account QPS for new accounts (CJ free level: 1). */
  defaultQps?: number;
  /**
   * A second getAccessToken within 5 minutes: "reject" answers 1600200 (default), "record" only records the
   * violation and answers normally. Both record it in `state.authViolations`.
   */
  authThrottle?: "reject" | "record";
  /**
   * A create with an orderNumber the account already used: "reject" answers 1603000 (default; CJ's facts say never
   * blind-retry a create, look the order up by orderNumber), "returnExisting" answers the existing order.
   */
  duplicateOrderNumber?: "reject" | "returnExisting";
  /** Webhook retry delay (CJ: 5 minutes) and count (CJ: 3). */
  pushRetryDelayMs?: number;
  pushMaxRetries?: number;
  /** How long a webhook receiver may take before the attempt counts as failed (CJ: 3 s). */
  pushTimeoutMs?: number;
  /**
   * CJ pauses an account's pushes at ≥ 50 % failures until it re-registers (pause.ts). On by default; `false` never
   * pauses (the outcomes are still tracked and shown).
   */
  pushPause?: boolean;
  /** The pause looks at the account's latest `pushPauseWindow` attempts (default 20)… */
  pushPauseWindow?: number;
  /** …once there are at least `pushPauseMinAttempts` of them (default 10)… */
  pushPauseMinAttempts?: number;
  /** …and pauses when the failed share reaches `pushPauseFailureRatio` (default 0.5). */
  pushPauseFailureRatio?: number;
  /** Deliveries held per paused account (default 100); beyond it the oldest held one is dropped. */
  pushPauseQueueLimit?: number;
  /** CJ wants HTTPS callback URLs; loopback tests use http, so this is off by default. */
  requireHttpsCallbacks?: boolean;
  /**
   * Destination rules by country code (rules.ts), laid over the default table country by country: a country given
   * here replaces the default's rules for it (`{ BR: [] }` = BR needs nothing).
   */
  destinationRules?: DestinationRuleTable;
  /** Default daily points of new accounts (CJ: 50,000). */
  dailyPoints?: number;
  /** Default per-endpoint daily call limit of unverified accounts (CJ: 1,000). */
  unverifiedDailyCallsPerEndpoint?: number;
  /** Odd-but-legal answer shapes for every account (odd-shapes.ts); an account's own setting wins. */
  oddShapes?: boolean;
}

export type ResolvedOptions = Required<Omit<EmulatorOptions, "port" | "host">>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  seed: 42,
  accessTokenTtlMs: 15 * 24 * 3600 * 1000,
  refreshTokenTtlMs: 180 * 24 * 3600 * 1000,
  ipQps: 10,
  defaultQps: 1,
  authThrottle: "reject",
  duplicateOrderNumber: "reject",
  pushRetryDelayMs: 5 * 60 * 1000,
  pushMaxRetries: 3,
  pushTimeoutMs: 3000,
  pushPause: true,
  pushPauseWindow: 20,
  pushPauseMinAttempts: 10,
  pushPauseFailureRatio: 0.5,
  pushPauseQueueLimit: 100,
  requireHttpsCallbacks: false,
  destinationRules: {},
  dailyPoints: 50_000,
  unverifiedDailyCallsPerEndpoint: 1000,
  oddShapes: false,
};

/** What every handler gets: the shared state and the emulator's collaborators. */
export interface EmulatorContext {
  state: EmulatorState;
  clock: EmulatorClock;
  random: SeededRandom;
  faults: FaultInjector;
  pusher: WebhookPusher;
  options: ResolvedOptions;
}

/** One API request as a handler sees it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Set for every endpoint that needs a CJ-Access-Token. */
  account: Account | null;
}

export interface Reply {
  data: unknown;
  message?: string;
}

export type Handler = (ctx: EmulatorContext, req: ApiRequest) => Reply | Promise<Reply>;

export function accountOf(req: ApiRequest): Account {
  if (!req.account) throw new Error(`handler for ${req.path} needs an authenticated account`);
  return req.account;
}
