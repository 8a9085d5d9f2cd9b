import { defaultLocation, gid } from "./build-order";
import type {
  CatalogueProduct,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  FulfillmentOrder,
  FulfillmentOrderStatus,
  Order,
  Shop,
  TrackingInfo,
} from "./model";
import type { TokenStatus } from "./oauth";

export interface UserError {
  field: string[] | null;
  message: string;
}

export interface RecordedRequest {
  at: string;
  shop: string | null;
  apiVersion: string;
  status: number;
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  /** `false` when the document failed validation (incl. deprecated fields) and was not executed. */
  valid: boolean;
  validationErrors: string[];
  throttled: boolean;
  requestedQueryCost: number | null;
  errors: unknown[];
  /** How the X-Shopify-Access-Token was judged; anything but `valid` is answered 401. */
  tokenStatus: TokenStatus;
  /** The token was an expiring offline token past its `expires_in`. */
  tokenExpired: boolean;
}

export interface BucketConfig {
  maximumAvailable: number;
  restoreRate: number;
}

interface Bucket extends BucketConfig {
  available: number;
  updatedAtMs: number;
  /** Number of upcoming requests to answer THROTTLED regardless of cost; Infinity = until turned off. */
  forcedThrottles: number;
}

export interface FulfillmentLineInput {
  fulfillmentOrderId: string;
  fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null;
}

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[] | null;
  url?: string | null;
  urls?: string[] | null;
}

export interface EventInput {
  fulfillmentId: string;
  status: FulfillmentEventStatus;
  message?: string | null;
  happenedAt?: string | null;
  estimatedDeliveryAt?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
  address1?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

// Standard plan: 100 points/s restore; the bucket holds 2000 points (shopify.dev "API rate limits").
export const defaultBucket: BucketConfig = { maximumAvailable: 2000, restoreRate: 100 };

const fulfillableStatuses: FulfillmentOrderStatus[] = ["OPEN", "IN_PROGRESS"];

export class EmulatorState {
  readonly shops = new Map<string, Shop>();
  readonly orders = new Map<string, { shop: string; order: Order }>();
  /** The shops' product catalogues, by product GID (catalogue.ts). */
  readonly products = new Map<string, { shop: string; product: CatalogueProduct }>();
  readonly requests: RecordedRequest[] = [];
  readonly webhooks: { topic: string; shop: string; url: string; status: number; webhookId: string }[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private fulfillmentCount = 0;

  constructor(
    private bucketConfig: BucketConfig = defaultBucket,
    private readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.shops.clear();
    this.orders.clear();
    this.products.clear();
    this.requests.length = 0;
    this.webhooks.length = 0;
    this.buckets.clear();
  }

  addShop(input: { domain: string; accessToken?: string; name?: string; currencyCode?: string; email?: string }): Shop {
    const existing = this.shops.get(input.domain);
    if (existing) {
      if (input.accessToken && !existing.accessTokens.includes(input.accessToken)) {
        existing.accessTokens.push(input.accessToken);
      }
      return existing;
    }
    const shop: Shop = {
      id: gid("Shop"),
      domain: input.domain,
      name: input.name ?? input.domain.replace(".myshopify.com", ""),
      email: input.email ?? `owner@${input.domain}`,
      currencyCode: input.currencyCode ?? "USD",
      accessTokens: input.accessToken ? [input.accessToken] : [],
      location: defaultLocation,
    };
    this.shops.set(shop.domain, shop);
    return shop;
  }

  shopForToken(token: string): Shop | undefined {
    for (const shop of this.shops.values()) if (shop.accessTokens.includes(token)) return shop;
    return undefined;
  }

  addOrder(shopDomain: string, order: Order): Order {
    if (!this.shops.has(shopDomain)) this.addShop({ domain: shopDomain });
    this.orders.set(order.id, { shop: shopDomain, order });
    return order;
  }

  ordersOf(shopDomain: string): Order[] {
    return [...this.orders.values()].filter((entry) => entry.shop === shopDomain).map((entry) => entry.order);
  }

  findOrder(shopDomain: string, id: string): Order | undefined {
    const entry = this.orders.get(id);
    return entry?.shop === shopDomain ? entry.order : undefined;
  }

  findFulfillmentOrder(shopDomain: string, id: string): { order: Order; fo: FulfillmentOrder } | undefined {
    for (const order of this.ordersOf(shopDomain)) {
      const fo = order.fulfillmentOrders.find((candidate) => candidate.id === id);
      if (fo) return { order, fo };
    }
    return undefined;
  }

  findFulfillment(shopDomain: string, id: string): { order: Order; fulfillment: Fulfillment } | undefined {
    for (const order of this.ordersOf(shopDomain)) {
      const fulfillment = order.fulfillments.find((candidate) => candidate.id === id);
      if (fulfillment) return { order, fulfillment };
    }
    return undefined;
  }

  private touch(order: Order): void {
    order.updatedAt = new Date(this.now()).toISOString();
  }

  // --- rate limiting -------------------------------------------------------------------------------------------

  /** `currentlyAvailable` drains or fills one shop's bucket, to make a test hit THROTTLED on purpose. */
  configureBucket(shopDomain: string | null, config: Partial<BucketConfig> & { currentlyAvailable?: number }): void {
    if (shopDomain === null) {
      const { currentlyAvailable: _ignored, ...limits } = config;
      this.bucketConfig = { ...this.bucketConfig, ...limits };
      this.buckets.clear();
      return;
    }
    const { currentlyAvailable, ...limits } = config;
    const bucket = this.bucket(shopDomain);
    Object.assign(bucket, limits);
    bucket.available = Math.min(currentlyAvailable ?? bucket.available, bucket.maximumAvailable);
  }

  forceThrottle(shopDomain: string, count: number): void {
    this.bucket(shopDomain).forcedThrottles = count;
  }

  private bucket(shopDomain: string): Bucket {
    let bucket = this.buckets.get(shopDomain);
    if (!bucket) {
      bucket = {
        ...this.bucketConfig,
        available: this.bucketConfig.maximumAvailable,
        updatedAtMs: this.now(),
        forcedThrottles: 0,
      };
      this.buckets.set(shopDomain, bucket);
    }
    const elapsed = (this.now() - bucket.updatedAtMs) / 1000;
    bucket.available = Math.min(bucket.maximumAvailable, bucket.available + elapsed * bucket.restoreRate);
    bucket.updatedAtMs = this.now();
    return bucket;
  }

  throttleStatus(shopDomain: string): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } {
    const bucket = this.bucket(shopDomain);
    return {
      maximumAvailable: bucket.maximumAvailable,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: bucket.restoreRate,
    };
  }

  /** Takes `cost` points if available; `false` means the request must be answered THROTTLED. */
  takeFromBucket(shopDomain: string, cost: number): boolean {
    const bucket = this.bucket(shopDomain);
    if (bucket.forcedThrottles > 0) {
      bucket.forcedThrottles -= 1;
      return false;
    }
    if (cost > bucket.available) return false;
    bucket.available -= cost;
    return true;
  }

  /** Shopify takes the requested cost up front and refunds the difference once the actual cost is known. */
  refundToBucket(shopDomain: string, points: number): void {
    const bucket = this.bucket(shopDomain);
    bucket.available = Math.min(bucket.maximumAvailable, bucket.available + points);
  }

  // --- fulfillment orders --------------------------------------------------------------------------------------

  holdFulfillmentOrder(
    shopDomain: string,
    id: string,
    hold: { reason?: string; reasonNotes?: string | null; handle?: string | null } = {},
  ): { fo: FulfillmentOrder | null; userErrors: UserError[] } {
    const found = this.findFulfillmentOrder(shopDomain, id);
    if (!found) return { fo: null, userErrors: [{ field: ["id"], message: "Fulfillment order does not exist." }] };
    const { fo, order } = found;
    if (!["OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED"].includes(fo.status)) {
      return {
        fo,
        userErrors: [
          { field: ["id"], message: `Fulfillment order status is not holdable: ${fo.status.toLowerCase()}.` },
        ],
      };
    }
    if (fo.status !== "ON_HOLD") fo.statusBeforeHold = fo.status;
    fo.status = "ON_HOLD";
    fo.holds.push({
      id: gid("FulfillmentHold"),
      reason: hold.reason ?? "OTHER",
      reasonNotes: hold.reasonNotes ?? null,
      handle: hold.handle ?? null,
    });
    fo.updatedAt = new Date(this.now()).toISOString();
    this.touch(order);
    return { fo, userErrors: [] };
  }

  releaseFulfillmentOrderHold(
    shopDomain: string,
    id: string,
  ): { fo: FulfillmentOrder | null; userErrors: UserError[] } {
    const found = this.findFulfillmentOrder(shopDomain, id);
    if (!found) return { fo: null, userErrors: [{ field: ["id"], message: "Fulfillment order does not exist." }] };
    const { fo, order } = found;
    if (fo.status !== "ON_HOLD") {
      return { fo, userErrors: [{ field: ["id"], message: "The fulfillment order is not on hold." }] };
    }
    fo.holds = [];
    fo.status = fo.statusBeforeHold ?? "OPEN";
    fo.statusBeforeHold = null;
    fo.updatedAt = new Date(this.now()).toISOString();
    this.touch(order);
    return { fo, userErrors: [] };
  }

  setFulfillmentOrderStatus(shopDomain: string, id: string, status: FulfillmentOrderStatus): FulfillmentOrder | null {
    const found = this.findFulfillmentOrder(shopDomain, id);
    if (!found) return null;
    found.fo.status = status;
    if (status === "CANCELLED") for (const line of found.fo.lineItems) line.remainingQuantity = 0;
    this.touch(found.order);
    return found.fo;
  }

  // --- mutations -----------------------------------------------------------------------------------------------

  /**
   * fulfillmentCreate: every FO must exist, belong to the same order and location, allow CREATE_FULFILLMENT, and
   * each requested quantity must not exceed the remaining quantity (shopify.dev, fulfillmentCreate). Omitting
   * `fulfillmentOrderLineItems` fulfills every remaining item of that FO.
   */
  createFulfillment(
    shopDomain: string,
    input: {
      lineItemsByFulfillmentOrder: FulfillmentLineInput[];
      trackingInfo?: TrackingInput | null;
      notifyCustomer?: boolean | null;
      originAddress?: unknown;
    },
    message: string | null,
  ): { fulfillment: Fulfillment | null; userErrors: UserError[] } {
    const fail = (field: string[] | null, text: string) => ({
      fulfillment: null,
      userErrors: [{ field, message: text }],
    });
    const groups = input.lineItemsByFulfillmentOrder;
    if (groups.length === 0) return fail(["fulfillment"], "Line items by fulfillment order must not be empty.");

    const resolved: { fo: FulfillmentOrder; lines: { id: string; lineItemId: string; quantity: number }[] }[] = [];
    let order: Order | undefined;
    for (const [index, group] of groups.entries()) {
      const found = this.findFulfillmentOrder(shopDomain, group.fulfillmentOrderId);
      if (!found) {
        return fail(
          ["fulfillment", "lineItemsByFulfillmentOrder", String(index), "fulfillmentOrderId"],
          "Fulfillment order does not exist.",
        );
      }
      if (order && found.order.id !== order.id) {
        return fail(["fulfillment"], "All fulfillment orders must belong to the same order.");
      }
      order = found.order;
      const { fo } = found;
      if (resolved[0] && resolved[0].fo.assignedLocation.locationId !== fo.assignedLocation.locationId) {
        return fail(["fulfillment"], "All fulfillment orders must be assigned to the same location.");
      }
      if (!fulfillableStatuses.includes(fo.status)) {
        return fail(
          ["fulfillment"],
          `Fulfillment order ${fo.id.slice(fo.id.lastIndexOf("/") + 1)} has an unfulfillable status= ${fo.status.toLowerCase()}.`,
        );
      }
      const requested = group.fulfillmentOrderLineItems;
      const lines = requested
        ? requested.map((item) => ({ item, foLine: fo.lineItems.find((candidate) => candidate.id === item.id) }))
        : fo.lineItems
            .filter((foLine) => foLine.remainingQuantity > 0)
            .map((foLine) => ({ item: { id: foLine.id, quantity: foLine.remainingQuantity }, foLine }));
      const chosen: { id: string; lineItemId: string; quantity: number }[] = [];
      for (const { item, foLine } of lines) {
        if (!foLine) {
          return fail(["fulfillment"], "Fulfillment order line item does not belong to the fulfillment order.");
        }
        if (item.quantity <= 0 || item.quantity > foLine.remainingQuantity) {
          return fail(["fulfillment"], "Invalid fulfillment order line item quantity requested.");
        }
        chosen.push({ id: foLine.id, lineItemId: foLine.lineItemId, quantity: item.quantity });
      }
      if (chosen.length === 0) return fail(["fulfillment"], "Fulfillment order has no line items left to fulfill.");
      resolved.push({ fo, lines: chosen });
    }
    if (!order || !resolved[0]) return fail(["fulfillment"], "Fulfillment order does not exist.");

    const at = new Date(this.now()).toISOString();
    for (const { fo, lines } of resolved) {
      for (const line of lines) {
        const foLine = fo.lineItems.find((candidate) => candidate.id === line.id);
        if (foLine) foLine.remainingQuantity -= line.quantity;
      }
      fo.status = fo.lineItems.every((line) => line.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
      fo.updatedAt = at;
    }
    this.fulfillmentCount += 1;
    const fulfillment: Fulfillment = {
      id: gid("Fulfillment"),
      orderId: order.id,
      name: `${order.name}-F${order.fulfillments.length + 1}`,
      status: "SUCCESS",
      createdAt: at,
      updatedAt: at,
      locationId: resolved[0].fo.assignedLocation.locationId,
      notifyCustomer: input.notifyCustomer ?? false,
      message,
      trackingInfo: trackingInfoFrom(input.trackingInfo),
      lineItems: resolved.flatMap(({ fo, lines }) =>
        lines.map((line) => ({
          id: gid("FulfillmentLineItem"),
          lineItemId: line.lineItemId,
          fulfillmentOrderId: fo.id,
          quantity: line.quantity,
        })),
      ),
      events: [],
    };
    order.fulfillments.push(fulfillment);
    this.touch(order);
    return { fulfillment, userErrors: [] };
  }

  updateTracking(
    shopDomain: string,
    fulfillmentId: string,
    tracking: TrackingInput,
    notifyCustomer: boolean | null,
  ): { fulfillment: Fulfillment | null; userErrors: UserError[] } {
    const found = this.findFulfillment(shopDomain, fulfillmentId);
    if (!found)
      return { fulfillment: null, userErrors: [{ field: ["fulfillmentId"], message: "Fulfillment does not exist." }] };
    const { fulfillment, order } = found;
    if (fulfillment.status === "CANCELLED") {
      return {
        fulfillment,
        userErrors: [{ field: ["fulfillmentId"], message: "Cannot update tracking info of a cancelled fulfillment." }],
      };
    }
    fulfillment.trackingInfo = trackingInfoFrom(tracking);
    if (notifyCustomer) fulfillment.notifyCustomer = true;
    fulfillment.updatedAt = new Date(this.now()).toISOString();
    this.touch(order);
    return { fulfillment, userErrors: [] };
  }

  createFulfillmentEvent(
    shopDomain: string,
    input: EventInput,
  ): { event: FulfillmentEvent | null; userErrors: UserError[] } {
    const found = this.findFulfillment(shopDomain, input.fulfillmentId);
    if (!found) {
      return {
        event: null,
        userErrors: [{ field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." }],
      };
    }
    const at = new Date(this.now()).toISOString();
    const event: FulfillmentEvent = {
      id: gid("FulfillmentEvent"),
      status: input.status,
      message: input.message ?? null,
      happenedAt: input.happenedAt ?? at,
      createdAt: at,
      estimatedDeliveryAt: input.estimatedDeliveryAt ?? null,
      city: input.city ?? null,
      province: input.province ?? null,
      country: input.country ?? null,
      zip: input.zip ?? null,
      address1: input.address1 ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
    };
    found.fulfillment.events.push(event);
    found.fulfillment.updatedAt = at;
    this.touch(found.order);
    return { event, userErrors: [] };
  }

  snapshot(): Record<string, unknown> {
    return {
      shops: [...this.shops.values()].map((shop) => ({ ...shop, throttleStatus: this.throttleStatus(shop.domain) })),
      orders: [...this.orders.values()],
      products: [...this.products.values()],
      requests: this.requests,
      webhooks: this.webhooks,
      fulfillmentsCreated: this.fulfillmentCount,
    };
  }
}

function trackingInfoFrom(input: TrackingInput | null | undefined): TrackingInfo[] {
  if (!input) return [];
  const numbers = input.numbers ?? (input.number ? [input.number] : []);
  const urls = input.urls ?? (input.url ? [input.url] : []);
  if (numbers.length === 0)
    return input.company ? [{ company: input.company, number: null, url: urls[0] ?? null }] : [];
  return numbers.map((number, index) => ({ company: input.company ?? null, number, url: urls[index] ?? null }));
}
