import pRetry, { AbortError } from "p-retry";
import { fetch as undiciFetch } from "undici";
import { processShopifyCostPacer, type ShopifyCostPacer } from "./cost-pacer";
import {
  type AdminApiVersion,
  type AdminGraphql,
  adminApiVersion,
  graphqlErrorFromBody,
  operationNameOf,
  type QueryCost,
  queryCostOf,
  ShopifyGraphqlError,
} from "./graphql";

/** The subset of `fetch` the client uses, so undici's, Node's global one or a test double all fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface AdminGraphqlClientOptions {
  /** `example.myshopify.com` */
  shop: string;
  accessToken: string;
  /** SHOPIFY_ADMIN_API_ORIGIN (an emulator); default `https://<shop>`. */
  origin?: string | undefined;
  apiVersion?: AdminApiVersion;
  fetch?: FetchLike;
  /** Retries after 429 and 5xx (queries only). THROTTLED answers do not use them up: see throttledBudgetMs. */
  retries?: number;
  /**
   * How long one request may keep waiting for the shop's bucket after THROTTLED answers before it fails
   * (default 120 s). A busy shop's calls wait their turn instead of failing their job.
   */
  throttledBudgetMs?: number;
  /** Paces calls per shop from the reported bucket (default: the process-wide pacer). */
  pacer?: ShopifyCostPacer;
  timeoutMs?: number;
  /** Injected by tests to observe the backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const minimumBackoffMs = 100;

/**
 * How long to wait before retrying. For THROTTLED, Shopify's advice (shopify.dev "API rate limits"): wait until the
 * bucket has restored enough points for the request, i.e. (requestedQueryCost - currentlyAvailable) / restoreRate s.
 */
export function backoffMs(error: ShopifyGraphqlError, attemptNumber: number, retryAfterSeconds: number | null): number {
  if (retryAfterSeconds !== null) return Math.max(minimumBackoffMs, retryAfterSeconds * 1000);
  const cost = error.cost;
  if (error.kind === "throttled" && cost && cost.throttleStatus.restoreRate > 0) {
    const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
    return Math.max(minimumBackoffMs, Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000));
  }
  return Math.min(30_000, 1000 * 2 ** (attemptNumber - 1));
}

/**
 * The wait after a THROTTLED answer before the next try, on top of the pacer's. When the cost extension shows the
 * shortfall, the pacer has just recorded it and waits for exactly the refill (0 here). When it reports room enough
 * (Shopify throttled for a reason the bucket does not show), a backoff that doubles from 100 ms up to 5 s, so a
 * request does not hammer the shop for its whole time budget. Without a cost extension, the usual backoff.
 */
export function throttledBackoffMs(error: ShopifyGraphqlError, attemptNumber: number): number {
  const cost = error.cost;
  if (!cost) return backoffMs(error, attemptNumber, null);
  if (cost.requestedQueryCost > cost.throttleStatus.currentlyAvailable && cost.throttleStatus.restoreRate > 0) return 0;
  return Math.min(5000, minimumBackoffMs * 2 ** Math.max(0, attemptNumber - 1));
}

class RetryableResponse extends Error {
  constructor(
    readonly error: ShopifyGraphqlError,
    readonly retryAfterSeconds: number | null,
  ) {
    super(error.message);
  }
}

export function createAdminGraphqlClient(options: AdminGraphqlClientOptions): AdminGraphql {
  const origin = (options.origin ?? `https://${options.shop}`).replace(/\/+$/, "");
  const endpoint = `${origin}/admin/api/${options.apiVersion ?? adminApiVersion}/graphql.json`;
  const doFetch: FetchLike = options.fetch ?? (undiciFetch as unknown as FetchLike);
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pacer = options.pacer ?? processShopifyCostPacer;

  async function attempt(query: string, variables: Record<string, unknown> | undefined) {
    const operationName = operationNameOf(query);
    const ticket = await pacer.admit(options.shop, operationName, sleep);
    let reported: QueryCost | null = null;
    try {
      return await send(query, variables, operationName, (cost) => {
        reported = cost;
      });
    } finally {
      ticket.done(reported);
    }
  }

  async function send(
    query: string,
    variables: Record<string, unknown> | undefined,
    operationName: string | null,
    report: (cost: QueryCost | null) => void,
  ) {
    const isMutation = /^\s*mutation\b/.test(query.replace(/#[^\n]*\n/g, ""));
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await doFetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-shopify-access-token": options.accessToken,
        },
        body: JSON.stringify({ query, variables: variables ?? {}, ...(operationName ? { operationName } : {}) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      // A mutation that timed out may have been applied: the caller re-reads before retrying, so no blind retry.
      const error = new ShopifyGraphqlError(
        `Shopify Admin API ${operationName ?? "request"} unreachable: ${String(cause)}`,
        {
          kind: "network",
          operationName,
          retryable: true,
          cause,
        },
      );
      throw isMutation ? new AbortError(error) : new RetryableResponse(error, null);
    }
    const requestId = response.headers.get("x-request-id");
    const text = await response.text();
    const retryAfter = Number(response.headers.get("retry-after"));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;

    if (response.status === 429 || response.status >= 500) {
      const error = new ShopifyGraphqlError(
        `Shopify Admin API ${operationName ?? "request"} answered HTTP ${response.status}`,
        {
          kind: "http",
          status: response.status,
          operationName,
          requestId,
          retryable: true,
        },
      );
      // 429 means not executed; a 5xx mutation may have been, so only queries are retried here.
      if (response.status === 429 || !isMutation) throw new RetryableResponse(error, retryAfterSeconds);
      throw new AbortError(error);
    }
    if (response.status !== 200) {
      throw new AbortError(
        new ShopifyGraphqlError(
          `Shopify Admin API ${operationName ?? "request"} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
          {
            kind: response.status === 401 || response.status === 403 ? "unauthorized" : "http",
            status: response.status,
            operationName,
            requestId,
          },
        ),
      );
    }
    let body: { data?: unknown; errors?: unknown; extensions?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (cause) {
      throw new AbortError(
        new ShopifyGraphqlError(`Shopify Admin API ${operationName ?? "request"} answered with invalid JSON`, {
          kind: "http",
          status: response.status,
          operationName,
          requestId,
          cause,
        }),
      );
    }
    report(queryCostOf(body.extensions));
    if (body.errors) {
      const error = graphqlErrorFromBody(body, { operationName, status: response.status, requestId });
      if (error.kind === "throttled") throw new RetryableResponse(error, null);
      throw new AbortError(error);
    }
    return { data: body.data, extensions: body.extensions };
  }

  return {
    async request<T>(query: string, variables?: Record<string, unknown>) {
      try {
        const result = await pRetry(() => attempt(query, variables), {
          retries: options.retries ?? 5,
          // The delay comes from the cost extension (onFailedAttempt), not from p-retry's exponential timer.
          minTimeout: 0,
          maxTimeout: 0,
          shouldRetry: ({ error }) => error instanceof RetryableResponse,
          // THROTTLED means "not run yet, wait for the bucket": it does not use up a retry, only the time budget.
          shouldConsumeRetry: ({ error }) => !(error instanceof RetryableResponse && error.error.kind === "throttled"),
          maxRetryTime: options.throttledBudgetMs ?? 120_000,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (error instanceof RetryableResponse && error.error.kind === "throttled") {
              const wait = throttledBackoffMs(error.error, attemptNumber);
              if (wait > 0) await sleep(wait);
              return;
            }
            if (error instanceof RetryableResponse && retriesLeft > 0) {
              await sleep(backoffMs(error.error, attemptNumber, error.retryAfterSeconds));
            }
          },
        });
        return { data: result.data as T, extensions: result.extensions };
      } catch (error) {
        if (error instanceof RetryableResponse) throw error.error;
        throw error;
      }
    },
  };
}

/** Adapts `admin.graphql` from `authenticate.admin` / `unauthenticated.admin` (shopify-app-remix) to the port. */
export function adminGraphqlFromRemix(admin: {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}): AdminGraphql {
  return {
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const operationName = operationNameOf(query);
      let response: Response;
      try {
        response = await admin.graphql(query, variables ? { variables } : undefined);
      } catch (error) {
        // shopify-api throws GraphqlQueryError (with the answer in `body`) for any `errors`, THROTTLED included.
        const body = (error as { body?: { errors?: unknown; extensions?: unknown } }).body;
        if (body?.errors) throw graphqlErrorFromBody(body, { operationName });
        throw error;
      }
      const body = (await response.json()) as { data?: unknown; errors?: unknown; extensions?: unknown };
      if (body.errors) throw graphqlErrorFromBody(body, { operationName, status: response.status });
      return { data: body.data as T, extensions: body.extensions };
    },
  };
}
