/**
 * The one error type for CJ answers and the one place that decides what to do with it.
 * Codes: CJ's "ps-code" table (docs/cj-api-facts.md, "Error codes").
 */

export type CjErrorKind =
  /** network error, timeout, HTTP 5xx, 1600000 "system busy": retry with backoff (at most 3 tries). */
  | "retryable"
  /** 1600200 or HTTP 429: blocked for the rest of the limit window, wait then retry. */
  | "rate_limited"
  /** 1600201: daily quota used up; not retried before `retryAt` (next 00:00 UTC). */
  | "quota_exhausted"
  /** 1600001–1600003: token invalid/missing/refresh token invalid; refresh or re-authenticate once. */
  | "auth"
  /**
   * CJ answered success, but the answer could not be read (a field of an unexpected type): the call may have taken
   * effect. Never "refused"; a create is looked up by its orderNumber instead of being sent again.
   */
  | "unreadable"
  /** everything else: a request or business error that the same call will not fix. */
  | "permanent";

export interface CjApiErrorInit {
  code: number;
  message: string;
  requestId?: string | undefined;
  httpStatus: number;
  endpoint: string;
  retryAt?: Date | undefined;
  /** From a Retry-After header on HTTP 429. */
  retryAfterMs?: number | undefined;
  /** Overrides the classification by code (only "unreadable": a success answer we could not read). */
  kind?: "unreadable";
  cause?: unknown;
}

export class CjApiError extends Error {
  override readonly name = "CjApiError";
  /** CJ business code (`code` of the envelope); 0 when no CJ answer was received (network error, timeout). */
  readonly code: number;
  readonly requestId: string | undefined;
  /** HTTP status of the answer; 0 when none was received. */
  readonly httpStatus: number;
  /** Path below the base URL, e.g. `/shopping/order/createOrderV2`. */
  readonly endpoint: string;
  readonly kind: CjErrorKind;
  /** When set, the earliest time at which the same call can succeed (quota reset, local auth throttle). */
  readonly retryAt: Date | undefined;
  /** How long CJ asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(init: CjApiErrorInit, now: Date = new Date()) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.endpoint = init.endpoint;
    this.kind = init.kind ?? classifyCjError({ code: init.code, httpStatus: init.httpStatus, message: init.message });
    this.retryAfterMs = init.retryAfterMs;
    this.retryAt =
      init.retryAt ??
      (this.kind === "quota_exhausted"
        ? nextUtcMidnight(now)
        : init.retryAfterMs === undefined
          ? undefined
          : new Date(now.getTime() + init.retryAfterMs));
  }

  /** True when no answer was received at all: the request may or may not have been processed by CJ. */
  get answerLost(): boolean {
    return this.httpStatus === 0 || this.httpStatus >= 500;
  }
}

export const CJ_CODE = {
  success: 200,
  systemBusy: 1600000,
  invalidToken: 1600001,
  tokenMissing: 1600002,
  invalidRefreshToken: 1600003,
  paramError: 1600100,
  callLimitExceeded: 1600200,
  quotaUsedUp: 1600201,
  illegalParameter: 1600300,
  orderNotFound: 1603100,
  balanceInsufficient: 1604000,
} as const;

/**
 * CJ's daily request limit of unverified accounts, answered with HTTP 429 (cj-api-facts "Error codes"): "Too Many
 * Requests, Sorry, you have reached the daily request limit (N times/day)...". Unlike the per-second limit it lasts
 * until the daily reset.
 */
const DAILY_LIMIT_MESSAGE = /daily\s+request\s+limit|times\s*\/\s*day/i;

/** The single classification of CJ failures. `code` 0 with `httpStatus` 0 means a network error or timeout. */
export function classifyCjError({
  code,
  httpStatus,
  message = "",
}: {
  code: number;
  httpStatus: number;
  message?: string;
}): CjErrorKind {
  if (code === CJ_CODE.quotaUsedUp) return "quota_exhausted";
  if ((code === CJ_CODE.callLimitExceeded || httpStatus === 429) && DAILY_LIMIT_MESSAGE.test(message)) {
    return "quota_exhausted";
  }
  if (code === CJ_CODE.callLimitExceeded || httpStatus === 429) return "rate_limited";
  if (code === CJ_CODE.invalidToken || code === CJ_CODE.tokenMissing || code === CJ_CODE.invalidRefreshToken) {
    return "auth";
  }
  if (code === CJ_CODE.systemBusy) return "retryable";
  if (httpStatus === 0 || httpStatus >= 500) return "retryable";
  return "permanent";
}

export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export interface CjValidationIssue {
  /** Dotted field path as CJ names it, e.g. `products.0.quantity`. */
  path: string;
  /** Human-readable rule, e.g. `at most 50 characters`, `required`. */
  rule: string;
}

/** A request refused locally because CJ would reject it ("Param error"); it was never sent. */
export class CjRequestValidationError extends Error {
  override readonly name = "CjRequestValidationError";
  readonly endpoint: string;
  readonly issues: readonly CjValidationIssue[];

  constructor(endpoint: string, issues: readonly CjValidationIssue[]) {
    super(`${endpoint}: ${issues.map((issue) => `${issue.path}: ${issue.rule}`).join("; ")}`);
    this.endpoint = endpoint;
    this.issues = issues;
  }
}
