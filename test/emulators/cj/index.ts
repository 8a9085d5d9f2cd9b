import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EmulatorClock } from "./clock.js";
import type { OrderCostExtras } from "./cogs.js";
import { DEFAULT_OPTIONS, type EmulatorContext, type EmulatorOptions, type ResolvedOptions } from "./context.js";
import { handleControlRequest } from "./control.js";
import { failure } from "./envelope.js";
import { FaultInjector, type FaultRule, type FaultSpec } from "./faults.js";
import { type InterceptInput, interceptOnDemand, type ReleaseFields, releaseIntercept } from "./intercepts.js";
import { type PrivateOrder, type PrivateStock, payPrivateOrderByLink } from "./inventory.js";
import { maxInAnyWindow, SlidingWindowLimiter } from "./limits.js";
import {
  addMakeupBill,
  type MakeupBill,
  type MakeupBillInput,
  type MakeupPayOrder,
  payMakeupByLink,
} from "./makeup.js";
import type { PushPauseView } from "./pause.js";
import { connectVariant, DEFAULT_VARIANTS } from "./products.js";
import { type QuotaView, quotaView, usageOf } from "./quotas.js";
import { SeededRandom } from "./random.js";
import { DEFAULT_DESTINATION_RULES, type DestinationRuleTable, resolveTable } from "./rules.js";
import { API_PREFIX, HangRegistry, handleApiRequest } from "./server.js";
import {
  advanceTracking,
  findAnyOrder,
  type ShipInput,
  type SplitPart,
  shipOrder,
  splitOrder,
  type TrackInput,
} from "./shipping.js";
import {
  type Account,
  type Connection,
  type DestinationRule,
  EmulatorState,
  type Order,
  type PushDelivery,
  type RecordedRequest,
  type Shop,
  type Variant,
} from "./state.js";
import { WebhookPusher } from "./webhooks.js";

export type { PushPauseView } from "./pause.js";
export type { DestinationRuleInput, DestinationRuleTable } from "./rules.js";
export { API_PREFIX } from "./server.js";
export { signWebhookBody } from "./webhooks.js";
export type {
  Account,
  Connection,
  FaultRule,
  FaultSpec,
  InterceptInput,
  Order,
  PushDelivery,
  QuotaView,
  RecordedRequest,
  ReleaseFields,
  Shop,
  Variant,
};

/** A store of a CJ account; only `storeName` is needed (shopId `shop-<n>`, platform "shopify" by default). */
export interface ShopInput {
  shopId?: string;
  storeName: string;
  platform?: string;
  shopName?: string;
  shopUrl?: string;
}

export interface AccountInput {
  id?: string;
  apiKey: string;
  openId?: number;
  qpsLimit?: number;
  /** USD, decimal string or number. */
  balance?: string | number;
  email?: string;
  /** The account's stores (CJ's "Multiple Store Management"); default one `<id>-store`. */
  shops?: ShopInput[];
  /** Points per UTC day; default the start option `dailyPoints` (50,000). */
  dailyPoints?: number;
  /** An unverified CJ account: each endpoint at most `unverifiedDailyCallsPerEndpoint` times a day. */
  unverified?: boolean;
  unverifiedDailyCallsPerEndpoint?: number;
  /** Odd-but-legal answer shapes for this account (default: the emulator-wide `oddShapes`). */
  oddShapes?: boolean;
}

export interface QuotaInput {
  pointsUsed?: number;
  /** Calls per endpoint today, e.g. `{ "POST /logistic/freightCalculate": 999 }` (replaces the given keys). */
  calls?: Record<string, number>;
  dailyPoints?: number;
  unverified?: boolean;
  unverifiedDailyCallsPerEndpoint?: number;
}

export interface ConnectionInput {
  accountId: string;
  /** Store SKU carried by orderFlow=2 lines. */
  sku?: string;
  vid: string;
  platformProductId?: string;
  platformVariantId?: string;
  shopId?: string;
}

export interface StartOptions extends EmulatorOptions {
  accounts?: AccountInput[];
  /** Extra CJ variants on top of the default catalogue. */
  variants?: Variant[];
  /** Store SKU connections seeded at start and after every reset. */
  connections?: ConnectionInput[];
}

export interface RequestFilter {
  accountId?: string;
  path?: string;
  method?: string;
}

/** A running CJ OpenAPI 2.0 emulator. */
export class CjEmulator {
  readonly state = new EmulatorState();
  readonly clock = new EmulatorClock();
  readonly options: ResolvedOptions;
  /** e.g. http://127.0.0.1:4020 */
  url = "";
  /** `${url}/api2.0/v1`, what the app's CJ_API_BASE_URL should be. */
  baseUrl = "";
  private readonly random: SeededRandom;
  private readonly faults: FaultInjector;
  private readonly pusher: WebhookPusher;
  private readonly limiter = new SlidingWindowLimiter();
  private readonly hangs = new HangRegistry();
  private readonly server: Server;
  private readonly initialAccounts: AccountInput[];
  private readonly initialVariants: Variant[];
  private readonly initialConnections: ConnectionInput[];

  constructor(options: StartOptions = {}) {
    const { accounts = [], variants = [], connections = [], port: _port, host: _host, ...rest } = options;
    this.options = { ...DEFAULT_OPTIONS, ...rest };
    this.random = new SeededRandom(this.options.seed);
    this.faults = new FaultInjector(this.state.faults, this.random);
    this.pusher = new WebhookPusher(
      this.state,
      this.clock,
      {
        retryDelayMs: this.options.pushRetryDelayMs,
        maxRetries: this.options.pushMaxRetries,
        timeoutMs: this.options.pushTimeoutMs,
        pause: {
          enabled: this.options.pushPause,
          window: this.options.pushPauseWindow,
          minAttempts: this.options.pushPauseMinAttempts,
          failureRatio: this.options.pushPauseFailureRatio,
          queueLimit: this.options.pushPauseQueueLimit,
        },
      },
      () => this.random.hex(32),
    );
    this.initialAccounts = accounts;
    this.initialVariants = variants;
    this.initialConnections = connections;
    this.seed();
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        console.error("[cj-emulator] internal error", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("emulator internal error");
      });
    });
  }

  /** The collaborators handlers get. */
  get context(): EmulatorContext {
    return {
      state: this.state,
      clock: this.clock,
      random: this.random,
      faults: this.faults,
      pusher: this.pusher,
      options: this.options,
    };
  }

  private async route(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    if (url.pathname.startsWith("/__emulator/")) return handleControlRequest(this, req, res, url);
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
      return handleApiRequest(this.context, this.limiter, this.hangs, req, res, url);
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `not found: ${url.pathname} (CJ API lives under ${API_PREFIX})` }));
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    this.baseUrl = `${this.url}${API_PREFIX}`;
  }

  async close(): Promise<void> {
    this.pusher.close();
    this.hangs.releaseAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private seed(): void {
    this.state.destinationRules = resolveTable({ ...DEFAULT_DESTINATION_RULES, ...this.options.destinationRules });
    this.state.oddShapes = this.options.oddShapes;
    for (const variant of [...DEFAULT_VARIANTS, ...this.initialVariants]) this.addVariant(variant);
    for (const account of this.initialAccounts) this.addAccount(account);
    for (const connection of this.initialConnections) this.connect(connection);
  }

  /** Forget everything (orders, tokens, requests, faults, webhooks) and re-seed the start-up data. */
  reset(): void {
    this.state.clear();
    this.pusher.reset();
    this.limiter.reset();
    this.clock.reset();
    this.seed();
  }

  addAccount(input: AccountInput): Account {
    const seq = this.state.next("account");
    const id = input.id ?? `account-${seq}`;
    const account: Account = {
      id,
      apiKey: input.apiKey,
      openId: input.openId ?? 1_000_000_000 + seq,
      openName: id,
      email: input.email ?? `${id}@example.com`,
      qpsLimit: input.qpsLimit ?? this.options.defaultQps,
      balance: String(input.balance ?? "0.00"),
      shops: [],
      lastGetAccessTokenAt: null,
      dailyPoints: input.dailyPoints ?? this.options.dailyPoints,
      unverified: input.unverified ?? false,
      unverifiedDailyCallsPerEndpoint:
        input.unverifiedDailyCallsPerEndpoint ?? this.options.unverifiedDailyCallsPerEndpoint,
      oddShapes: input.oddShapes ?? null,
    };
    for (const shop of input.shops ?? [{ shopId: `shop-${seq}`, storeName: `${id}-store` }]) {
      this.addShopTo(account, shop);
    }
    this.state.accounts.set(id, account);
    return account;
  }

  private addShopTo(account: Account, input: ShopInput): Shop {
    if (typeof input.storeName !== "string" || input.storeName === "") throw new Error("storeName is required");
    const existing = account.shops.find(
      (s) => s.storeName === input.storeName || (input.shopId !== undefined && s.shopId === input.shopId),
    );
    if (existing) return existing;
    const platform = input.platform ?? "shopify";
    const host =
      input.storeName.includes(".") || platform.toLowerCase() !== "shopify"
        ? input.storeName
        : `${input.storeName}.myshopify.com`;
    const shop: Shop = {
      shopId: input.shopId ?? `${account.id}-shop-${this.state.next("shop")}`,
      storeName: input.storeName,
      platform,
      shopName: input.shopName ?? input.storeName,
      shopUrl: input.shopUrl ?? `https://${host}`,
    };
    account.shops.push(shop);
    return shop;
  }

  /**
   * Add a store to an account (CJ's "Multiple Store Management") unless one with that storeName or shopId is there
   * already (then that one is kept as it is); answers the account's stores.
   */
  addShop(accountId: string, input: ShopInput): Shop[] {
    const account = this.account(accountId);
    this.addShopTo(account, input);
    return account.shops;
  }

  account(id: string): Account {
    const account = this.state.accounts.get(id);
    if (!account) throw new Error(`unknown account ${id}`);
    return account;
  }

  setQps(accountId: string, qpsLimit: number): void {
    this.account(accountId).qpsLimit = qpsLimit;
  }

  setBalance(accountId: string, amount: string | number): void {
    this.account(accountId).balance = String(amount);
  }

  addVariant(variant: Variant): void {
    this.state.variants.set(variant.vid, { ...variant });
  }

  /** Connect a store SKU to a CJ variant; waiting orderFlow=2 orders complete and push ORDER_CONNNECTED. */
  connect(input: ConnectionInput): Connection {
    this.account(input.accountId);
    return connectVariant(this.context, input);
  }

  order(idOrNumber: string, accountId?: string): Order | undefined {
    const accounts = accountId ? [accountId] : [...this.state.accounts.keys()];
    for (const id of accounts) {
      const order = this.state.findOrder(id, idOrNumber);
      if (order) return order;
    }
    return undefined;
  }

  shipOrder(idOrNumber: string, input?: ShipInput): Order {
    return shipOrder(this.context, idOrNumber, input);
  }

  advanceTracking(idOrNumber: string, input: TrackInput): Order {
    return advanceTracking(this.context, idOrNumber, input);
  }

  splitOrder(idOrNumber: string, parts?: SplitPart[][]): Order[] {
    return splitOrder(this.context, idOrNumber, parts);
  }

  /** CJ bills a makeup (supplement) payment for a CJ order (seed 002 §9); listed by makeup/list from now on. */
  addMakeupBill(input: MakeupBillInput): MakeupBill {
    this.account(input.accountId);
    return addMakeupBill(this.context, input);
  }

  /** The warehouse refuses to stock this variant (private inventory createOrder answers why, seed 002 §7.8). */
  refuseStockOf(storageId: string, vid: string, reason = "out of stock at the supplier"): void {
    this.state.stockRefusals.set(`${storageId}:${vid}`, reason);
  }

  /** The merchant paid a private inventory (SY) order on CJ's payment page. */
  payPrivateOrderByLink(orderCode: string): PrivateOrder {
    return payPrivateOrderByLink(this.context, orderCode);
  }

  /** An account's private stock rows (what paid stock-up orders put in CJ's warehouses, less what was shipped out). */
  privateStockOf(accountId: string): PrivateStock[] {
    return this.state.privateStock.filter((s) => s.accountId === accountId);
  }

  /** Stock leaves the warehouse outside the API (another channel, a count correction): locks may no longer hold. */
  takePrivateStock(privateOrderId: string, vid: string, quantity: number): void {
    const row = this.state.privateStock.find((s) => s.privateOrderId === privateOrderId && s.vid === vid);
    if (!row) throw new Error(`no private stock ${privateOrderId}/${vid}`);
    row.quantity = Math.max(0, row.quantity - quantity);
  }

  /** An outbound order's task locks at most this many of the variant (seed 002 §8.6 LOCK_FAIL). */
  limitOutboundLock(vid: string, quantity: number): void {
    this.state.outboundLockLimits.set(vid, quantity);
  }

  /** A merge including this CJ order fails with CJ's error code (seed 002 §5.6: 11001–11007, 11100). */
  failMergeOf(orderId: string, errorCode: number): void {
    this.state.mergeFailures.set(orderId, errorCode);
  }

  /** The merchant paid a makeup payment order on CJ's page (its cjPayUrl). */
  payMakeupByLink(payId: string): MakeupPayOrder {
    return payMakeupByLink(this.context, payId);
  }

  /** Costs CJ adds to an order after the fact (taxes, disputes, fees): answered by its COGS data from now on. */
  setOrderCosts(idOrNumber: string, extras: OrderCostExtras): Order {
    const order = this.order(idOrNumber);
    if (!order) throw new Error(`no CJ order ${idOrNumber}`);
    order.costExtras = { ...order.costExtras, ...extras };
    return order;
  }

  addFault(spec: FaultSpec): FaultRule {
    return this.faults.add(spec);
  }

  removeFault(id: string): void {
    this.faults.remove(id);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Off: pushes are recorded as "suppressed" and never sent (tests prove polling catches up). */
  setPushesEnabled(enabled: boolean): void {
    this.state.pushesEnabled = enabled;
  }

  /** The account's push pause (pause.ts): paused?, why, held messages, recent outcomes, the rules. */
  pushPause(accountId: string): PushPauseView {
    this.account(accountId);
    return this.pusher.pauseView(accountId);
  }

  pushPauses(): PushPauseView[] {
    return [...this.state.accounts.keys()].map((id) => this.pusher.pauseView(id));
  }

  /**
   * Force the pause on (as ≥ 50 % failures would) or off (as a re-registration would: the window starts afresh and
   * held deliveries are sent).
   */
  setPushPaused(accountId: string, paused: boolean): PushPauseView {
    this.account(accountId);
    if (paused) this.pusher.pause(accountId);
    else this.pusher.resume(accountId);
    return this.pusher.pauseView(accountId);
  }

  /** Wait until no webhook delivery is in flight or waiting for a retry. */
  flushPushes(): Promise<void> {
    return this.pusher.flush();
  }

  pushes(filter: { accountId?: string; type?: string; messageType?: string } = {}): PushDelivery[] {
    return this.state.deliveries.filter(
      (d) =>
        (!filter.accountId || d.accountId === filter.accountId) &&
        (!filter.type || d.type === filter.type) &&
        (!filter.messageType || d.messageType === filter.messageType),
    );
  }

  requests(filter: RequestFilter = {}): RecordedRequest[] {
    return this.state.requests.filter(
      (r) =>
        (!filter.accountId || r.accountId === filter.accountId) &&
        (!filter.path || r.path === filter.path) &&
        (!filter.method || r.method === filter.method.toUpperCase()),
    );
  }

  /** The most requests this account sent within any `windowMs` window (all requests, answered or not). */
  maxRequestsInAnyWindow(accountId: string, windowMs = 1000): number {
    return maxInAnyWindow(
      this.requests({ accountId }).map((r) => r.t),
      windowMs,
    );
  }

  /** Requests answered 1600200 (by the real limiter, not by an injected storm). */
  limitViolations(accountId?: string): RecordedRequest[] {
    return this.requests(accountId ? { accountId } : {}).filter((r) => r.code === 1600200 && r.fault === null);
  }

  /**
   * The state snapshot (`GET /__emulator/state`), with every account's quota usage as of the emulator clock and its
   * push pause (`pushPauses`, one view per account).
   */
  snapshot(): Record<string, unknown> {
    return { ...this.state.snapshot(), quotas: this.quotaUsages(), pushPauses: this.pushPauses() };
  }

  /** Today's quota usage of an account (rolled over at 00:00 UTC by the emulator clock). */
  quotaUsage(accountId: string): QuotaView {
    return quotaView(this.state, this.account(accountId), this.clock.now());
  }

  quotaUsages(): QuotaView[] {
    return [...this.state.accounts.keys()].map((id) => this.quotaUsage(id));
  }

  /** Set today's usage (e.g. `pointsUsed: 50_000` exhausts the account) and/or the account's quota settings. */
  setQuota(accountId: string, input: QuotaInput): QuotaView {
    const account = this.account(accountId);
    const usage = usageOf(this.state, accountId, this.clock.now());
    const count = (value: unknown, name: string) => {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw new Error(`${name} must be a non-negative integer`);
      }
      return value;
    };
    if (input.pointsUsed !== undefined) usage.pointsUsed = count(input.pointsUsed, "pointsUsed");
    for (const [endpoint, calls] of Object.entries(input.calls ?? {})) usage.calls[endpoint] = count(calls, endpoint);
    if (input.dailyPoints !== undefined) account.dailyPoints = count(input.dailyPoints, "dailyPoints");
    if (input.unverified !== undefined) account.unverified = input.unverified === true;
    if (input.unverifiedDailyCallsPerEndpoint !== undefined) {
      account.unverifiedDailyCallsPerEndpoint = count(
        input.unverifiedDailyCallsPerEndpoint,
        "unverifiedDailyCallsPerEndpoint",
      );
    }
    return this.quotaUsage(accountId);
  }

  /** Odd-but-legal answer shapes: emulator-wide, or for one account (`null` = follow the emulator-wide setting). */
  setOddShapes(enabled: boolean | null, accountId?: string): void {
    if (accountId !== undefined) this.account(accountId).oddShapes = enabled;
    else this.state.oddShapes = enabled === true;
  }

  destinationRules(): Record<string, DestinationRule[]> {
    return this.state.destinationRules;
  }

  /**
   * Set destination rules: the countries given replace their rules (`{ BR: [] }` = none); `replace: true` replaces the
   * whole table (no defaults left).
   */
  setDestinationRules(
    table: DestinationRuleTable,
    options: { replace?: boolean } = {},
  ): Record<string, DestinationRule[]> {
    const resolved = resolveTable(table);
    this.state.destinationRules = options.replace ? resolved : { ...this.state.destinationRules, ...resolved };
    return this.state.destinationRules;
  }

  /** Hold an order back on demand (CJ's own risk checks, e.g. "Address in a remote area"). */
  interceptOrder(idOrNumber: string, input: InterceptInput): Order {
    return interceptOnDemand(this.context, findAnyOrder(this.context, idOrNumber), input);
  }

  /** The merchant fixed the order in CJ's web app: every reason cleared (optionally after setting fixed fields). */
  releaseIntercept(idOrNumber: string, fields?: ReleaseFields): Order {
    return releaseIntercept(this.context, findAnyOrder(this.context, idOrNumber), fields);
  }

  /** Ensure an order exists for tests that poke state directly. */
  requireOrder(idOrNumber: string): Order {
    const order = this.order(idOrNumber);
    if (!order) throw failure(1600300);
    return order;
  }
}

/** Start an emulator on loopback (port 0 = any free port unless given). */
export async function startCjEmulator(options: StartOptions = {}): Promise<CjEmulator> {
  const emulator = new CjEmulator(options);
  await emulator.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return emulator;
}
