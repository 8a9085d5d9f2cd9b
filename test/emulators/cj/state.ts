import type { AddressRecord } from "./addresses.js";
import type { OrderCostExtras } from "./cogs.js";
import type { FaultRule } from "./faults.js";
import type { CartLine, PrivateOrder, PrivateStock } from "./inventory.js";
import type { MakeupBill, MakeupPayOrder } from "./makeup.js";
import type { MergeTask } from "./merge.js";
import type { OutboundOrder } from "./outbound.js";

/** Everything the emulator knows. Plain data, so `GET /__emulator/state` can serialise it. */

/** A store authorised on the CJ account (CJ's "Multiple Store Management": several per account). */
export interface Shop {
  shopId: string;
  /** What createOrderV2's `storeName` must match. */
  storeName: string;
  platform: string;
  /** Defaults to `storeName`. */
  shopName: string;
  /** Defaults to `https://<storeName>` (`.myshopify.com` added for a bare Shopify store name). */
  shopUrl: string;
}

export interface Account {
  id: string;
  apiKey: string;
  openId: number;
  openName: string;
  email: string;
  /** Requests per second for this account (CJ levels: 1, 2, 4, 6). */
  qpsLimit: number;
  /** USD as a decimal string; never a float. */
  balance: string;
  shops: Shop[];
  lastGetAccessTokenAt: number | null;
  /** Points per UTC day (CJ: 50,000); see quotas.ts. */
  dailyPoints: number;
  /** Unverified accounts may call each endpoint only `unverifiedDailyCallsPerEndpoint` times a UTC day. */
  unverified: boolean;
  unverifiedDailyCallsPerEndpoint: number;
  /** Odd-but-legal answer shapes for this account; null = the emulator-wide setting (odd-shapes.ts). */
  oddShapes: boolean | null;
}

export interface TokenPair {
  accountId: string;
  accessToken: string;
  refreshToken: string;
  createdAt: number;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
}

export interface Variant {
  vid: string;
  pid: string;
  sku: string;
  nameEn: string;
  /** USD decimal string. */
  sellPrice: string;
  /** grams */
  weight: number;
}

/** A store product variant ↔ CJ variant connection ("My CJ" → connections). */
export interface Connection {
  id: string;
  accountId: string;
  cjProductId: string;
  cjVariantId: string;
  platformProductId: string;
  platformVariantId: string;
  /** The store SKU an `orderFlow=2` line carries. */
  sku: string | null;
  shopId: string | null;
  createdAt: number;
}

export const ORDER_STATUSES = [
  "CREATED",
  "IN_CART",
  "UNPAID",
  "UNSHIPPED",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
  "OTHER",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  lineItemId: string;
  /** null while an `orderFlow=2` line's store SKU is not connected. */
  vid: string | null;
  sku: string | null;
  storeLineItemId: string | null;
  storeProductId: string | null;
  quantity: number;
  sellPrice: string;
  unitPrice: string | null;
  podProperties: string | null;
}

export interface TrackEvent {
  status: number;
  activity: string;
  location: string;
  eventTime: string;
  statusDesc: string;
}

export interface Tracking {
  trackNumber: string;
  logisticName: string;
  trackingUrl: string;
  trackingStatus: number;
  events: TrackEvent[];
  shippedAt: number;
  deliveredAt: number | null;
  lastMileCarrier: string;
  lastTrackNumber: string;
}

export interface Order {
  /** CJ order id; for an incomplete order, the temporary id CJ replaces once the SKU is connected. */
  orderId: string;
  accountId: string;
  orderNumber: string;
  apiVersion: "V2" | "V3";
  isComplete: boolean;
  status: OrderStatus;
  isSandbox: boolean;
  orderFlow: number;
  payType: number;
  shippingCountryCode: string;
  shippingCountry: string;
  shippingProvince: string;
  shippingCity: string;
  shippingCounty: string | null;
  shippingZip: string | null;
  shippingPhone: string | null;
  shippingCustomerName: string;
  shippingAddress: string;
  shippingAddress2: string | null;
  houseNumber: string | null;
  email: string | null;
  taxId: string | null;
  remark: string | null;
  consigneeID: string | null;
  logisticName: string;
  fromCountryCode: string;
  platform: string;
  storeName: string | null;
  storeOrderTime: number | null;
  shopLogisticsType: number | null;
  storageId: string | null;
  iossType: number | null;
  iossNumber: string | null;
  shopAmount: string | null;
  lines: OrderLine[];
  orderWeight: number;
  productAmount: string;
  postageAmount: string;
  orderAmount: string;
  shipmentOrderId: string | null;
  /** CJ's own order code, assigned when the order is confirmed (UNPAID). */
  cjOrderCode: string | null;
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  completedAt: number | null;
  tracking: Tracking | null;
  waybill: { cjShippingCompanyName: string; trackNumber: string; fileName: string } | null;
  deleted: boolean;
  splitFrom: string | null;
  splitInto: string[];
  /** Earlier ids of this order (the temporary id of an incomplete order). */
  previousOrderIds: string[];
  /** Why CJ holds this order back (seed 002 `interceptOrderReasons`); empty = not intercepted. */
  interceptReasons: InterceptReason[];
  /** Costs CJ adds after the fact (taxes, disputes, fees), answered in its COGS data (cogs.ts). */
  costExtras?: OrderCostExtras;
  /** Merged into this order (merge.ts): gone for the API since. */
  mergedInto?: string;
  /** The orders this one was merged from. */
  mergedFrom?: string[];
}

/** One entry of `interceptOrderReasons` (seed 002 §1.1): `{code: int, message: string}`. */
export interface InterceptReason {
  code: number;
  message: string;
}

/** Log of intercepts and releases (state snapshot `intercepts`). */
export interface InterceptRecord {
  accountId: string;
  orderId: string;
  orderNumber: string;
  action: "intercepted" | "released";
  /** "rules": destination rules at create; "control": on demand (CJ's own risk checks / the merchant's fix). */
  source: "rules" | "control";
  reasons: InterceptReason[];
  at: string;
}

export type RuleType = "phone" | "dutyNo" | "email" | "zip" | "destArea3Id" | "houseNumber";

/** One destination rule (seed 001 §1.2 / 003 `allRuleTips`), resolved with its defaults. */
export interface DestinationRule {
  type: RuleType;
  /** A regular expression the value must match; null = any non-empty value. */
  expression: string | null;
  /** "0" strong interception (an absent or failing value intercepts the order), "1" not strong (a tip only). */
  interceptType: "0" | "1";
  msgCode: string;
  msgEn: string;
  min: string | null;
  max: string | null;
  /** Only for these logistic names (case-insensitive); null = every logistic. */
  logisticNames: string[] | null;
}

/** Quota usage of one account for one UTC day (quotas.ts). */
export interface QuotaUsage {
  /** UTC day, "2026-07-01". */
  day: string;
  pointsUsed: number;
  /** Calls per endpoint ("POST /logistic/freightCalculate") this day. */
  calls: Record<string, number>;
}

/** A parent ("shipment") order grouping confirmed orders for one payment. */
export interface Shipment {
  shipmentOrderId: string;
  accountId: string;
  orderIds: string[];
  payId: string | null;
  paid: boolean;
  createdAt: number;
}

export interface WebhookTopicConfig {
  type: string;
  callbackUrls: string[];
}

export type WebhookTopic = "order" | "logistics" | "product" | "stock";

export interface RecordedRequest {
  seq: number;
  /** Emulator clock, ISO. */
  at: string;
  /** Real wall-clock ms; what the QPS windows count. */
  t: number;
  method: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
  ip: string;
  accountId: string | null;
  /** CJ `code` answered, or the HTTP status for 5xx faults; null when no answer was sent. */
  code: number | null;
  httpStatus: number | null;
  outcome: "answered" | "dropped" | "hung" | "pending";
  fault: string | null;
}

export interface PushAttempt {
  at: string;
  status: number | null;
  error: string | null;
}

/**
 * - pending: being sent or waiting for a retry; delivered: answered HTTP 200; failed: dropped after the retries;
 * - suppressed: pushes switched off by the control API; no-callback: no URL registered for the topic;
 * - held: the account's pushes are paused (pause.ts), sent when it re-registers; dropped: pushed out of the held
 *   queue by newer messages (at most `pushPauseQueueLimit` held per account).
 */
export type PushDeliveryState = "pending" | "delivered" | "failed" | "suppressed" | "no-callback" | "held" | "dropped";

export interface PushDelivery {
  messageId: string;
  accountId: string;
  topic: WebhookTopic;
  type: string;
  messageType: string;
  url: string | null;
  body: string;
  sign: string;
  attempts: PushAttempt[];
  state: PushDeliveryState;
}

/** Push health of one account (pause.ts): recent attempt outcomes and whether CJ paused its pushes. */
export interface PushPause {
  accountId: string;
  /** Outcomes of the latest attempts (true = failed), oldest first, at most `pushPauseWindow`. */
  recent: boolean[];
  paused: boolean;
  /** "failures": the failure share reached the threshold; "control": forced by the control API. */
  reason: "failures" | "control" | null;
  pausedAt: string | null;
  resumedAt: string | null;
  /** Held deliveries, oldest first (messageIds as recorded in `deliveries`). */
  held: string[];
  /** Deliveries dropped from the held queue since the account was paused (total, never reset). */
  dropped: number;
  /** How many times the account was paused. */
  pauses: number;
}

export interface AuthViolation {
  accountId: string;
  at: string;
  sinceLastMs: number;
}

export interface IncompleteOrderRecord {
  accountId: string;
  orderNumber: string;
  temporaryOrderId: string;
  unresolvedSkus: string[];
  at: string;
  connectedAs: string | null;
}

export class EmulatorState {
  accounts = new Map<string, Account>();
  tokens: TokenPair[] = [];
  variants = new Map<string, Variant>();
  connections: Connection[] = [];
  orders: Order[] = [];
  shipments = new Map<string, Shipment>();
  makeupBills = new Map<string, MakeupBill>();
  addresses: AddressRecord[] = [];
  /** The merge tasks of an account (`<accountId>:match`, `<accountId>:submit`), merge.ts. */
  mergeTasks = new Map<string, MergeTask>();
  /** Orders whose merge a test makes fail, with CJ's error code. */
  mergeFailures = new Map<string, number>();
  makeupPayOrders = new Map<string, MakeupPayOrder>();
  /** Private inventory (inventory.ts): carts by account, SY orders by number, stock rows, refusals. */
  privateCarts = new Map<string, CartLine[]>();
  privateOrders = new Map<string, PrivateOrder>();
  privateStock: PrivateStock[] = [];
  /** `<storageId>:<vid>` → why that warehouse refuses the variant (a test's). */
  stockRefusals = new Map<string, string>();
  /** Outbound orders by id (outbound.ts), and the most a variant locks (a test's). */
  outboundOrders = new Map<string, OutboundOrder>();
  outboundLockLimits = new Map<string, number>();
  webhooks = new Map<string, Partial<Record<WebhookTopic, WebhookTopicConfig>>>();
  requests: RecordedRequest[] = [];
  deliveries: PushDelivery[] = [];
  authViolations: AuthViolation[] = [];
  incompleteOrders: IncompleteOrderRecord[] = [];
  faults: FaultRule[] = [];
  pushesEnabled = true;
  /** Account id → push health and pause (pause.ts). */
  pushPauses = new Map<string, PushPause>();
  /** Country code → rules (rules.ts); seeded from the default table and the start option. */
  destinationRules: Record<string, DestinationRule[]> = {};
  quotas = new Map<string, QuotaUsage>();
  intercepts: InterceptRecord[] = [];
  /** Emulator-wide odd-but-legal answer shapes (an account's own setting wins). */
  oddShapes = false;
  private counters = new Map<string, number>();

  next(counter: string): number {
    const value = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, value);
    return value;
  }

  clear(): void {
    this.accounts.clear();
    this.tokens = [];
    this.variants.clear();
    this.connections = [];
    this.orders = [];
    this.shipments.clear();
    this.makeupBills.clear();
    this.addresses = [];
    this.mergeTasks.clear();
    this.mergeFailures.clear();
    this.makeupPayOrders.clear();
    this.privateCarts.clear();
    this.privateOrders.clear();
    this.privateStock = [];
    this.stockRefusals.clear();
    this.outboundOrders.clear();
    this.outboundLockLimits.clear();
    this.webhooks.clear();
    this.requests = [];
    this.deliveries = [];
    this.authViolations = [];
    this.incompleteOrders = [];
    this.faults.splice(0);
    this.pushesEnabled = true;
    this.pushPauses.clear();
    this.destinationRules = {};
    this.quotas.clear();
    this.intercepts = [];
    this.oddShapes = false;
    this.counters.clear();
  }

  accountByApiKey(apiKey: string): Account | undefined {
    for (const account of this.accounts.values()) if (account.apiKey === apiKey) return account;
    return undefined;
  }

  /** Live orders of an account (deleted ones are gone for CJ's API). */
  ordersOf(accountId: string): Order[] {
    return this.orders.filter((o) => o.accountId === accountId && !o.deleted);
  }

  /** `getOrderDetail` semantics: the CJ id (current or former) or the merchant's orderNumber. */
  findOrder(accountId: string, idOrNumber: string): Order | undefined {
    const live = this.ordersOf(accountId);
    return (
      live.find((o) => o.orderId === idOrNumber) ??
      live.find((o) => o.previousOrderIds.includes(idOrNumber)) ??
      live.find((o) => o.orderNumber === idOrNumber && o.splitInto.length === 0) ??
      live.find((o) => o.orderNumber === idOrNumber)
    );
  }

  snapshot(): Record<string, unknown> {
    return {
      accounts: [...this.accounts.values()],
      tokens: this.tokens,
      variants: [...this.variants.values()],
      connections: this.connections,
      orders: this.orders,
      shipments: [...this.shipments.values()],
      makeupBills: [...this.makeupBills.values()],
      addresses: this.addresses,
      privateOrders: [...this.privateOrders.values()],
      privateStock: this.privateStock,
      outboundOrders: [...this.outboundOrders.values()],
      webhooks: Object.fromEntries(this.webhooks),
      deliveries: this.deliveries,
      authViolations: this.authViolations,
      incompleteOrders: this.incompleteOrders,
      faults: this.faults,
      pushesEnabled: this.pushesEnabled,
      pushPauses: Object.fromEntries(this.pushPauses),
      destinationRules: this.destinationRules,
      quotas: Object.fromEntries(this.quotas),
      intercepts: this.intercepts,
      oddShapes: this.oddShapes,
      requestCount: this.requests.length,
    };
  }
}
