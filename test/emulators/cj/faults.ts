import { CJ_MESSAGES } from "./envelope.js";
import type { SeededRandom } from "./random.js";

/**
 * Faults a test can inject, per path pattern:
 * - `http5xx`: answer an HTTP 5xx (no CJ envelope), nothing happens to the state;
 * - `hang`: answer nothing for `hangMs` (past the client's timeout), then drop the socket; no state change;
 * - `drop`: run the request (the order IS created), then destroy the socket without answering;
 * - `holdAfter`: run the request (the order IS created), then hold the answer for `hangMs` before dropping the
 *   socket: the window in which a test kills the caller "between CJ's answer and its commit";
 * - `slow`: run the request and answer it normally, `hangMs` late (a job that is busy when its worker is stopped);
 * - `dataAsString`: run the request (the order IS created) and answer success with `data` as a string holding its
 *   JSON: an answer the client cannot read although CJ did the work;
 * - `busy` (1600000), `rateLimit` (1600200), `balanceInsufficient` (1604000), `cjError` (any code):
 *   a CJ error envelope instead of running the request.
 */
export type FaultKind =
  | "http5xx"
  | "hang"
  | "drop"
  | "holdAfter"
  | "slow"
  | "dataAsString"
  | "busy"
  | "rateLimit"
  | "balanceInsufficient"
  | "cjError";

export interface FaultSpec {
  kind: FaultKind;
  /** Path below /api2.0/v1 with `*` wildcards, e.g. "/shopping/order/createOrderV2" or "/shopping/*". Default "*". */
  path?: string;
  method?: string;
  /** Only requests of this account (token's account). */
  accountId?: string;
  /** Apply to the next N matching requests, then expire. Default: unlimited. */
  times?: number;
  /** Apply to this fraction of matching requests (seeded PRNG). Default 1. */
  probability?: number;
  /** For http5xx: the status (default 503). */
  status?: number;
  /** For cjError: the code and message. */
  code?: number;
  message?: string;
  /** For hang: how long to hold the request before dropping the socket (default 30 s). */
  hangMs?: number;
}

export interface FaultRule extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
}

export interface FaultDecision {
  rule: FaultRule;
  kind: "http5xx" | "hang" | "drop" | "holdAfter" | "slow" | "dataAsString" | "cjError";
  status: number;
  code: number;
  message: string;
  hangMs: number;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

export class FaultInjector {
  private seq = 0;

  /** `rules` is the state's list, so the state snapshot shows the active faults. */
  constructor(
    private readonly rules: FaultRule[],
    private readonly random: SeededRandom,
  ) {}

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: `fault-${++this.seq}`, remaining: spec.times ?? null, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): void {
    const index = this.rules.findIndex((r) => r.id === id);
    if (index >= 0) this.rules.splice(index, 1);
  }

  clear(): void {
    this.rules.splice(0, this.rules.length);
  }

  /** Decide whether this request gets a fault; consumes one use of the matching rule. */
  decide(method: string, path: string, accountId: string | null): FaultDecision | null {
    for (const rule of this.rules) {
      if (rule.remaining !== null && rule.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.accountId && rule.accountId !== accountId) continue;
      if (!globToRegExp(rule.path ?? "*").test(path)) continue;
      if (rule.probability !== undefined && this.random.next() >= rule.probability) continue;
      if (rule.remaining !== null) rule.remaining--;
      rule.hits++;
      return toDecision(rule);
    }
    return null;
  }
}

function toDecision(rule: FaultRule): FaultDecision {
  const base = { rule, status: 200, hangMs: rule.hangMs ?? 30_000 };
  switch (rule.kind) {
    case "http5xx":
      return { ...base, kind: "http5xx", status: rule.status ?? 503, code: rule.status ?? 503, message: "" };
    case "hang":
      return { ...base, kind: "hang", code: 0, message: "" };
    case "drop":
      return { ...base, kind: "drop", code: 0, message: "" };
    case "holdAfter":
      return { ...base, kind: "holdAfter", code: 0, message: "" };
    case "slow":
      return { ...base, kind: "slow", code: 0, message: "" };
    case "dataAsString":
      return { ...base, kind: "dataAsString", code: 0, message: "" };
    case "busy":
      return { ...base, kind: "cjError", code: 1600000, message: rule.message ?? CJ_MESSAGES[1600000] };
    case "rateLimit":
      return { ...base, kind: "cjError", code: 1600200, message: rule.message ?? CJ_MESSAGES[1600200] };
    case "balanceInsufficient":
      return { ...base, kind: "cjError", code: 1604000, message: rule.message ?? CJ_MESSAGES[1604000] };
    case "cjError":
      return { ...base, kind: "cjError", code: rule.code ?? 1600000, message: rule.message ?? "System busy" };
  }
}
