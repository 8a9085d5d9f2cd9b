/**
 * The one transport to CJ: undici keep-alive pool per origin, `CJ-Access-Token` header, JSON and multipart
 * bodies, query strings with repeated keys, envelope parsing at the edge, error classification, rate limiting,
 * retries with backoff (p-retry) and one token renewal on an auth error. Area modules only describe endpoints.
 */
import pRetry from "p-retry";
import type { Logger } from "pino";
import { type Dispatcher, type FormData, Pool } from "undici";
import type { z } from "zod";
import { CjApiError, type CjApiErrorInit } from "./errors";
import type { CjRateLimiter } from "./rate-limiter";
import { cjEnvelopeSchema, isCjSuccess } from "./schemas";

export const DEFAULT_CJ_API_BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1";

export interface CjTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export const DEFAULT_CJ_TIMEOUTS: CjTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

const pools = new Map<string, Pool>();

/** The longest a rate-limited call waits before its retry, whatever Retry-After says. */
const MAX_RATE_LIMIT_WAIT_MS = 10_000;

/**
 * Daily quotas CJ reported, by account and endpoint (points run out for the endpoints that cost points; unverified
 * accounts have a daily limit per endpoint): until the reset the call fails here, without spending the account's QPS.
 */
const quotaBlocks = new Map<string, { until: Date; code: number; message: string }>();

/** The process-wide keep-alive pool for `origin` (created on first use, shared by every account's client). */
export function cjDispatcherFor(origin: string, timeouts: CjTimeouts = DEFAULT_CJ_TIMEOUTS): Dispatcher {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, {
      connections: 16,
      keepAliveTimeout: 30_000,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes the shared pools (graceful shutdown, end of a test file). */
export async function closeCjDispatchers(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close());
  pools.clear();
  await Promise.all(closing);
}

/** Where the access token comes from; implemented by the token manager in auth.ts. */
export interface CjAccessTokenSource {
  accessToken(): Promise<string>;
  /** CJ rejected `rejectedToken` (1600001–1600003): obtain a new one (refresh, else re-authenticate). */
  renew(rejectedToken: string): Promise<void>;
}

export type CjQueryValue = string | number | boolean | readonly (string | number)[] | undefined;
export type CjQuery = Readonly<Record<string, CjQueryValue>>;

export interface CjCall<T> {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path below the base URL, e.g. `/shopping/order/list`. */
  path: string;
  query?: CjQuery;
  /** JSON body (objects and arrays). */
  json?: unknown;
  /** Multipart body (undici FormData). */
  form?: FormData;
  /** Schema of the envelope's `data`. */
  data: z.ZodType<T, unknown>;
  /** Send `CJ-Access-Token` from the token source (default true). */
  authenticated?: boolean;
  /** Send this token instead, without renewal (logout). */
  accessToken?: string;
  /** Retries after the first try for retryable/rate-limited failures (default 2, i.e. at most 3 tries). */
  retries?: number;
}

export interface CjTransport {
  call<T>(call: CjCall<T>): Promise<T>;
}

export interface CjRetryOptions {
  /** Retries after the first try (default 2). */
  retries: number;
  /** First backoff delay (p-retry `minTimeout`). */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Wait added after 1600200 / HTTP 429 when no Retry-After header says otherwise (the 1-second window). */
  rateLimitWaitMs: number;
}

export const DEFAULT_CJ_RETRY: CjRetryOptions = {
  retries: 2,
  minTimeoutMs: 500,
  maxTimeoutMs: 8_000,
  rateLimitWaitMs: 1_000,
};

export interface CjTransportOptions {
  baseUrl: string;
  accountKey: string;
  /** Current QPS of the account (setting/get), read before each request. */
  qps: () => number;
  rateLimiter: CjRateLimiter;
  logger: Logger;
  tokens?: CjAccessTokenSource;
  dispatcher?: Dispatcher;
  timeouts?: CjTimeouts;
  retry?: Partial<CjRetryOptions>;
  clock?: () => Date;
  /** Called once for each call CJ answered with success (points accounting: points.ts). Must not throw. */
  onSuccess?: (path: string) => void;
}

export function createCjTransport(options: CjTransportOptions): CjTransport {
  const base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  const basePath = base.pathname.replace(/\/$/, "");
  const timeouts = options.timeouts ?? DEFAULT_CJ_TIMEOUTS;
  const dispatcher = options.dispatcher ?? cjDispatcherFor(base.origin, timeouts);
  const retry = { ...DEFAULT_CJ_RETRY, ...options.retry };
  const clock = options.clock ?? (() => new Date());
  const log = options.logger;
  const quotaKey = (path: string) => `${options.accountKey} ${path}`;

  async function sendOnce<T>(call: CjCall<T>, token: string | undefined, attempt: number): Promise<T> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers["CJ-Access-Token"] = token;
    let body: string | FormData | undefined;
    if (call.form) body = call.form;
    else if (call.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.json);
    }
    const logFields = { endpoint: call.path, method: call.method, attempt };
    let started = 0;
    const fail = (init: Omit<CjApiErrorInit, "endpoint">, retryAfterMs?: number) => {
      const error = new CjApiError({ ...init, endpoint: call.path, retryAfterMs }, clock());
      if (error.kind === "quota_exhausted" && error.retryAt) {
        quotaBlocks.set(quotaKey(call.path), { until: error.retryAt, code: error.code, message: error.message });
      }
      log.warn(
        {
          ...logFields,
          code: error.code,
          httpStatus: error.httpStatus,
          requestId: error.requestId,
          kind: error.kind,
          durationMs: Math.round(performance.now() - started),
        },
        `CJ call failed: ${error.message}`,
      );
      return error;
    };

    // A daily quota CJ reported for this endpoint is not asked again before its reset: the answer would be the same.
    const blocked = quotaBlocks.get(quotaKey(call.path));
    if (blocked && blocked.until.getTime() > clock().getTime()) {
      throw new CjApiError(
        {
          code: blocked.code,
          httpStatus: 0,
          endpoint: call.path,
          message: blocked.message,
          retryAt: blocked.until,
        },
        clock(),
      );
    }

    // Everything else is ready before the permit is taken: it is held until the answer's headers are in, so any
    // work between admission and sending would only hold it longer.
    const release = await options.rateLimiter.acquire(options.accountKey, options.qps());
    started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: base.origin,
        path: `${basePath}${call.path}${queryString(call.query)}`,
        method: call.method,
        headers,
        body,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? (cause as Error).name;
      throw fail({ code: 0, httpStatus: 0, message: `No answer from CJ (${code})`, cause });
    } finally {
      // CJ answered (headers in), so it received the request before now; or the request failed, and whatever part
      // of it reached CJ did so before now. From here the permit only has to cover CJ's window after the arrival.
      release();
    }

    const status = response.statusCode;
    const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
    let text: string;
    try {
      text = await response.body.text();
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? (cause as Error).name;
      throw fail({ code: 0, httpStatus: 0, message: `No answer from CJ (${code})`, cause });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A 429 may come as plain text; its words decide between the one-second limit and the daily one.
      const said = status === 429 && text.trim() ? `: ${text.trim().slice(0, 200)}` : " without JSON";
      throw fail({ code: 0, httpStatus: status, message: `CJ answered HTTP ${status}${said}` }, retryAfterMs);
    }
    const envelope = cjEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw fail({ code: 0, httpStatus: status, message: `CJ answered HTTP ${status} without an envelope` });
    }
    const { code, message, requestId } = envelope.data;
    const numericCode = code === undefined ? (envelope.data.success ? 200 : 0) : Number(code);
    if (!isCjSuccess(envelope.data) || status >= 400) {
      throw fail(
        {
          code: Number.isFinite(numericCode) ? numericCode : 0,
          httpStatus: status,
          message: message || `CJ error ${String(code)}`,
          requestId: requestId ?? undefined,
        },
        retryAfterMs,
      );
    }
    // CJ carried the call out (even if its data cannot be read below): what it cost is counted.
    options.onSuccess?.(call.path);
    const data = call.data.safeParse(envelope.data.data ?? null);
    if (!data.success) {
      // CJ said success: whatever the call does may have happened. Only the field names go to the log (values can
      // be a customer's address).
      const detail = data.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`)
        .join("; ");
      throw fail({
        code: numericCode,
        httpStatus: status,
        message: `CJ's answer could not be read (${detail})`,
        requestId: requestId ?? undefined,
        kind: "unreadable",
      });
    }
    log.info(
      {
        ...logFields,
        code: numericCode,
        httpStatus: status,
        requestId: requestId ?? undefined,
        durationMs: Math.round(performance.now() - started),
      },
      "CJ call",
    );
    return data.data;
  }

  function withRetries<T>(call: CjCall<T>, token: string | undefined): Promise<T> {
    // A call that must not be repeated blindly (create, pay: `retries: 0`) is still retried after a rate-limit
    // answer: CJ refused it before doing anything, so sending it again cannot do it twice.
    const unsafeToRepeat = call.retries === 0;
    return pRetry((attempt) => sendOnce(call, token, attempt), {
      retries: unsafeToRepeat ? retry.retries : (call.retries ?? retry.retries),
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) =>
        error instanceof CjApiError &&
        (error.kind === "rate_limited" || (!unsafeToRepeat && error.kind === "retryable")),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        // 1600200 / 429 block the caller for the rest of the limit window (cj-api-facts "Error codes").
        if (error instanceof CjApiError && error.kind === "rate_limited" && retriesLeft > 0) {
          // Bounded: a Retry-After of hours is a quota in disguise, not a wait to sit through inside a job.
          await sleep(Math.min(error.retryAfterMs ?? retry.rateLimitWaitMs * attemptNumber, MAX_RATE_LIMIT_WAIT_MS));
        }
      },
    });
  }

  return {
    async call<T>(call: CjCall<T>): Promise<T> {
      const tokens = options.tokens;
      if (call.accessToken !== undefined) return withRetries(call, call.accessToken);
      if (call.authenticated === false || !tokens) return withRetries(call, undefined);
      const token = await tokens.accessToken();
      try {
        return await withRetries(call, token);
      } catch (error) {
        if (!(error instanceof CjApiError) || error.kind !== "auth") throw error;
        // Re-authenticate once, then retry once; a second auth error surfaces.
        await tokens.renew(token);
        return withRetries(call, await tokens.accessToken());
      }
    },
  };
}

/** `?a=1&trackNumber=x&trackNumber=y`: arrays become repeated keys (trackNumber, orderIds, features). */
export function queryString(query: CjQuery | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });
