/** Shared steps of the tracking tests: a paid, forwarded order; CJ pushes pointed at the app; signed messages. */
import { randomUUID } from "node:crypto";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { signWebhookBody } from "../../emulators/cj/index";
import type { BuildOrderInput } from "../../emulators/shopify/build-order";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { eventually, STACK_OPEN_ID, STACK_SHOP, type Stack } from "../../support/stack";

export const CJ_ACCOUNT = "acct-1";

/** Shop settings under which an order goes all the way by itself: USPS+ to the US, paid from the CJ balance. */
export const AUTOMATIC_SETTINGS = {
  logisticsRule: "PREFERRED",
  preferredLogistics: JSON.stringify({ US: ["USPS+"] }),
  paymentMode: "BALANCE",
  autoPayPerOrderCap: "500",
  sandbox: true,
};

/** CJ pushes go to the app over plain loopback HTTP (the emulator does not require HTTPS by default). */
export function pointCjPushesAtApp(s: Stack) {
  const url = `${s.app.url}/webhooks/cj`;
  s.cj.state.webhooks.set(CJ_ACCOUNT, {
    order: { type: "ENABLE", callbackUrls: [url] },
    logistics: { type: "ENABLE", callbackUrls: [url] },
  });
}

/** A US address CJ ships to with USPS+ (the emulator's rate table). */
export const US_ADDRESS = {
  name: "Grace Hopper",
  address1: "1 Compiler Way",
  city: "Arlington",
  province: "Virginia",
  provinceCode: "VA",
  country: "United States",
  countryCodeV2: "US",
  zip: "22201",
  phone: "+1 703 555 0100",
};

export interface PaidOrder {
  shopify: ShopifyOrder;
  orderId: string;
  cjOrderId: string;
}

/** A Shopify order forwarded to CJ and paid from the balance (state PAID), as the forwarding test does it. */
/** Sends orders/paid for a new paid order (US address unless given), as Shopify does; fails unless the app took it. */
export async function sendPaidOrder(s: Stack, input: Partial<BuildOrderInput> = {}): Promise<ShopifyOrder> {
  const order = s.addOrder({ financialStatus: "PAID", shippingAddress: US_ADDRESS, ...input });
  const status = await s.webhook("orders/paid", order);
  if (status !== 200) throw new Error(`orders/paid answered ${status}`);
  return order;
}

/** The order's row once it passes `check` (states, or a predicate); the failure shows its timeline. */
export async function orderRowWhen(
  s: Stack,
  order: ShopifyOrder,
  check: readonly string[] | ((row: OrderRow) => boolean),
  timeoutMs = 30_000,
): Promise<OrderRow> {
  const ok = typeof check === "function" ? check : (row: OrderRow) => check.includes(row.state);
  return eventually(async () => {
    const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
    return row && ok(row) ? row : undefined;
  }, timeoutMs).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
  });
}
type OrderRow = NonNullable<Awaited<ReturnType<Stack["t"]["db"]["order"]["findFirst"]>>>;

export async function paidOrder(s: Stack, input: Partial<BuildOrderInput> = {}): Promise<PaidOrder> {
  const shopify = s.addOrder({
    financialStatus: "PAID",
    shippingAddress: US_ADDRESS,
    lines: [
      { sku: "TSHIRT-WHITE-M", quantity: 2, price: "19.90" },
      { sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" },
    ],
    ...input,
  });
  const status = await s.webhook("orders/paid", shopify);
  if (status !== 200) throw new Error(`orders/paid answered ${status}`);
  // The emulator first (in memory), then the database once.
  const orderNumber = cjOrderNumberFor(STACK_SHOP, shopify.id);
  await eventually(async () => s.cj.order(orderNumber)?.status === "UNSHIPPED", 30_000).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(shopify.id)}`);
  });
  const row = await eventually(async () => {
    const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: shopify.id } });
    return o?.state === "PAID" && o.cjOrderId ? o : undefined;
  }).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(shopify.id)}`);
  });
  return { shopify, orderId: row.id, cjOrderId: row.cjOrderId as string };
}

/** A CJ message signed with the account's openId, POSTed to the app; answers the HTTP status and body. */
export async function postCjMessage(
  s: Stack,
  message: { type: string; messageType?: string; params: Record<string, unknown>; messageId?: string },
  options: { sign?: string; openId?: number | string | null } = {},
): Promise<{ status: number; body: string; raw: string; sign: string }> {
  const envelope: Record<string, unknown> = {
    messageId: message.messageId ?? randomUUID().replace(/-/g, ""),
    type: message.type,
    messageType: message.messageType ?? "UPDATE",
    params: message.params,
  };
  if (options.openId !== null) envelope.openId = options.openId ?? STACK_OPEN_ID;
  const raw = JSON.stringify(envelope);
  const sign = options.sign ?? signWebhookBody(STACK_OPEN_ID, raw);
  return postRaw(s, raw, sign);
}

export async function postRaw(s: Stack, raw: string, sign: string | null) {
  const answer = await fetch(`${s.app.url}/webhooks/cj`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(sign === null ? {} : { sign }) },
    body: raw,
  });
  return { status: answer.status, body: await answer.text(), raw, sign: sign ?? "" };
}

export function fulfillmentCreates(s: Stack) {
  return s.shopify.requests({ shop: STACK_SHOP, operationName: "FulfillmentCreate" }).filter((r) => r.valid);
}

/** Shopify's fulfillments of an order (the emulator's state). */
export function shopifyFulfillments(s: Stack, orderGid: string) {
  return s.shopify.state.orders.get(orderGid)?.order.fulfillments ?? [];
}
