/**
 * `createCjClient(options)`: one client per CJ account, on the process-wide transport pool and IP rate limiter.
 *
 * ```ts
 * const cj = createCjClient({ accountId, store, baseUrl: process.env.CJ_API_BASE_URL });
 * const { recovered, orderId } = await cj.orders.createOrderV2(order);
 * ```
 */
import pino, { type Logger } from "pino";
import type { Dispatcher } from "undici";
import { createCjAccountApi } from "./account";
import { createCjAddressBookApi } from "./address-book";
import { CjTokenManager, createCjAuthApi } from "./auth";
import { createCjCogsApi } from "./cogs";
import type { CjCredentialStore } from "./credentials";
import { createCjInventoryApi } from "./inventory";
import { createCjLogisticsApi } from "./logistics";
import { createCjMakeupApi } from "./makeup";
import { createCjMergeApi } from "./merge";
import { createCjOrdersApi } from "./orders";
import { createCjOutboundApi } from "./outbound";
import { createCjPaymentApi } from "./payment";
import { pointCostOf } from "./points";
import { type CjRateLimiter, processCjRateLimiter } from "./rate-limiter";
import { createCjShippingInfoApi } from "./shipping-info";
import { type CjRetryOptions, type CjTimeouts, createCjTransport, DEFAULT_CJ_API_BASE_URL } from "./transport.server";

export interface CjClientOptions {
  /** Our id of the CJ account (credential store key, rate-limit key, log field). */
  accountId: string;
  store: CjCredentialStore;
  /** `process.env.CJ_API_BASE_URL`; default https://developers.cjdropshipping.com/api2.0/v1. */
  baseUrl?: string | undefined;
  /** Default: the process-wide in-memory limiter (10 req/s per IP, account QPS). */
  rateLimiter?: CjRateLimiter;
  /** Default: `pino({ level: process.env.LOG_LEVEL ?? "info" })`. Never receives tokens, keys or bodies. */
  logger?: Logger;
  clock?: () => Date;
  /** Default: the process-wide keep-alive pool for the base URL's origin. */
  dispatcher?: Dispatcher;
  timeouts?: CjTimeouts;
  retry?: Partial<CjRetryOptions>;
  /** Refresh the access token when it expires within this many ms (default 1 hour). */
  refreshMarginMs?: number;
  /** Called for each successful call that costs points (points.ts), with its cost. Must not throw. */
  onPointsSpent?: (path: string, points: number) => void;
}

export { CJ_POINT_COSTS, pointCostOf } from "./points";

let defaultLogger: Logger | undefined;
function processLogger(): Logger {
  defaultLogger ??= pino({ level: process.env.LOG_LEVEL ?? "info" });
  return defaultLogger;
}

export function createCjClient(options: CjClientOptions) {
  const logger = (options.logger ?? processLogger()).child({
    component: "cj",
    accountId: options.accountId,
  });
  let qpsLimit = 1;
  const transportOptions = {
    baseUrl: options.baseUrl || DEFAULT_CJ_API_BASE_URL,
    accountKey: options.accountId,
    qps: () => qpsLimit,
    rateLimiter: options.rateLimiter ?? processCjRateLimiter,
    logger,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onSuccess: (path: string) => {
      const points = pointCostOf(path);
      if (points > 0) options.onPointsSpent?.(path, points);
    },
  };
  const authApi = createCjAuthApi(createCjTransport(transportOptions));
  const tokens = new CjTokenManager({
    accountId: options.accountId,
    store: options.store,
    api: authApi,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs }),
  });
  const transport = createCjTransport({ ...transportOptions, tokens });
  // The stored QPS (from a previous setting/get) applies as soon as the credentials are loaded.
  const loadQps = tokens.qpsLimit().then(
    (qps) => {
      qpsLimit = qps;
    },
    () => undefined,
  );
  const authedTransport = {
    async call<T>(call: Parameters<typeof transport.call<T>>[0]): Promise<T> {
      await loadQps;
      return transport.call(call);
    },
  };

  return {
    accountId: options.accountId,
    auth: {
      ...authApi,
      /** The account's current access token (obtained or refreshed as needed). */
      accessToken: () => tokens.accessToken(),
      /** Revokes the account's current token. */
      logoutCurrent: async () => authApi.logout(await tokens.accessToken()),
    },
    orders: createCjOrdersApi(authedTransport),
    payment: createCjPaymentApi(authedTransport),
    shippingInfo: createCjShippingInfoApi(authedTransport),
    logistics: createCjLogisticsApi(authedTransport),
    account: createCjAccountApi(authedTransport, (setting) => {
      const qps = setting.setting?.qpsLimit;
      if (qps && qps > 0) {
        qpsLimit = qps;
        void tokens.rememberQpsLimit(qps);
      }
    }),
    cogs: createCjCogsApi(authedTransport),
    merge: createCjMergeApi(authedTransport),
    addressBook: createCjAddressBookApi(authedTransport),
    inventory: createCjInventoryApi(authedTransport),
    outbound: createCjOutboundApi(authedTransport),
    makeup: createCjMakeupApi(authedTransport),
  };
}
export type CjClient = ReturnType<typeof createCjClient>;

export type { CjAccountApi } from "./account";
export type { CjAddressBookApi } from "./address-book";
export { type CjAuthApi, CjTokenManager, createCjAuthApi } from "./auth";
export type { CjCogsApi } from "./cogs";
export {
  type CjCredentialStore,
  type CjMemoryCredentialStore,
  type CjStoredCredentials,
  type CjTokens,
  createMemoryCredentialStore,
} from "./credentials";
export {
  CJ_CODE,
  CjApiError,
  type CjErrorKind,
  CjRequestValidationError,
  type CjValidationIssue,
  classifyCjError,
  nextUtcMidnight,
} from "./errors";
export type { CjInventoryApi } from "./inventory";
export type { CjLogisticsApi } from "./logistics";
export type { CjMakeupApi } from "./makeup";
export type { CjMergeApi } from "./merge";
export type { CjCreateOrderV2Options, CjCreateOrderV2Outcome, CjOrdersApi } from "./orders";
export type { CjOutboundApi } from "./outbound";
export type { CjPaymentApi } from "./payment";
export {
  type CjPermitRelease,
  type CjRateLimiter,
  createInProcessRateLimiter,
  processCjRateLimiter,
} from "./rate-limiter";
export type * from "./requests";
export { CJ_ORDER_STATUSES } from "./requests";
export type {
  CjAccessTokenData,
  CjBalance,
  CjCreateOrderResult,
  CjFreightQuote,
  CjOrderDetail,
  CjOrderList,
  CjSetting,
  CjTrackInfo,
  CjVariant,
} from "./responses";
export { toCanonicalDecimal } from "./schemas";
export type { CjShippingInfoApi, CjWaybillInfoRequest } from "./shipping-info";
export {
  type CjRetryOptions,
  type CjTimeouts,
  type CjTransport,
  closeCjDispatchers,
  DEFAULT_CJ_API_BASE_URL,
} from "./transport.server";
export {
  CJ_WEBHOOK_ACK,
  type CjLogisticWebhook,
  type CjOrderSplitWebhook,
  type CjOrderWebhook,
  type CjTrackEvent,
  type CjWebhook,
  CjWebhookPayloadError,
  parseCjWebhook,
  signCjWebhook,
  verifyCjSignature,
} from "./webhooks";
