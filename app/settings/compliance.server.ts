/**
 * Shopify's mandatory compliance topics. Shipping name, address, phone and email are protected customer data:
 * the app keeps them only in order snapshots, the CJ request recorded in the timeline, and a few order columns.
 */
import { z } from "zod";
import type { Db } from "../db.server";
import { logger } from "../logger.server";

const PERSONAL_KEYS = new Set([
  "email",
  "contact_email",
  "phone",
  "customer",
  "billing_address",
  "shipping_address",
  "shippingAddress",
  "billingAddress",
  "client_details",
  "browser_ip",
  "note",
  "note_attributes",
  "shippingCustomerName",
  "shippingAddress2",
  "shippingPhone",
  "shippingZip",
  "shippingCity",
  "shippingProvince",
  "shippingCounty",
  "houseNumber",
  "taxId",
  "consigneeID",
  "remark",
]);

/** Removes personal fields anywhere in a JSON document (keys above), keeping the rest. */
export function scrubPersonalData(json: string | null): string | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k]) => !PERSONAL_KEYS.has(k))
          .map(([k, x]) => [k, walk(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

const orderIds = z
  .array(z.union([z.number(), z.string().max(255)]))
  .max(10_000)
  .nullish();
const customer = z
  .looseObject({
    id: z.union([z.number(), z.string().max(255)]).nullish(),
    email: z.string().max(1000).nullish(),
    phone: z.string().nullish(),
  })
  .nullish();
const redactPayload = z.looseObject({ customer, orders_to_redact: orderIds });
const dataRequestPayload = z.looseObject({
  customer,
  orders_requested: orderIds,
  data_request: z.looseObject({ id: z.union([z.number(), z.string()]).nullish() }).nullish(),
});

type CustomerRedactPayload = z.infer<typeof redactPayload>;
type DataRequestPayload = z.infer<typeof dataRequestPayload>;

/** A compliance payload of the wrong shape is refused with 422 (recorded on the receipt), never a 500. */
function parseCompliancePayload<T>(schema: z.ZodType<T>, payload: unknown, topic: string): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Response(`${topic} payload rejected: ${issue?.path.join(".") || "body"}: ${issue?.message}`, {
    status: 422,
  });
}

/** The intake's check of a customers/redact delivery, while Shopify waits (a 422 Response for a wrong shape). */
export function checkRedactPayload(input: unknown): void {
  parseCompliancePayload(redactPayload, input, "customers/redact");
}

/** The intake's check of a customers/data_request delivery. */
export function checkDataRequestPayload(input: unknown): void {
  parseCompliancePayload(dataRequestPayload, input, "customers/data_request");
}

/** customers/redact: scrub that customer's personal fields from every stored order of the shop. */
export async function redactCustomer(db: Db, shopDomain: string, input: unknown) {
  const payload: CustomerRedactPayload = parseCompliancePayload(redactPayload, input, "customers/redact");
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { orders: 0 };
  const gids = (payload.orders_to_redact ?? []).map((id) => `gid://shopify/Order/${id}`);
  const email = payload.customer?.email ?? undefined;
  const orders = await db.order.findMany({
    where: {
      shopId: shop.id,
      OR: [{ shopifyOrderGid: { in: gids } }, ...(email ? [{ customerEmail: email }] : [])],
    },
    select: { id: true, snapshot: true },
  });
  for (const order of orders) {
    await db.$transaction(async (tx) => {
      await tx.order.update({
        where: { id: order.id },
        data: { customerName: null, customerEmail: null, snapshot: scrubPersonalData(order.snapshot) },
      });
      const events = await tx.orderEvent.findMany({ where: { orderId: order.id, data: { not: null } } });
      for (const event of events) {
        await tx.orderEvent.update({ where: { id: event.id }, data: { data: scrubPersonalData(event.data) } });
      }
    });
  }
  return { orders: orders.length };
}

/** customers/data_request: record the request and what the app holds for that customer, for the merchant to send. */
export async function recordDataRequest(db: Db, shopDomain: string, input: unknown) {
  const payload: DataRequestPayload = parseCompliancePayload(dataRequestPayload, input, "customers/data_request");
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  const gids = (payload.orders_requested ?? []).map((id) => `gid://shopify/Order/${id}`);
  const email = payload.customer?.email ?? undefined;
  const orders = shop
    ? await db.order.findMany({
        where: {
          shopId: shop.id,
          OR: [{ shopifyOrderGid: { in: gids } }, ...(email ? [{ customerEmail: email }] : [])],
        },
        select: { shopifyOrderName: true, shopifyOrderGid: true },
      })
    : [];
  const summary =
    orders.length === 0
      ? "The app holds no orders for this customer."
      : `The app holds ${orders.length} order(s) for this customer: ${orders.map((o) => o.shopifyOrderName).join(", ")} (shipping name, address, phone and email as sent to CJ; order lines; tracking).`;
  const row = await db.dataRequest.create({
    data: {
      shopId: shop?.id ?? null,
      shopDomain,
      customerId: payload.customer?.id != null ? String(payload.customer.id) : null,
      email: email ?? null,
      orderGids: JSON.stringify(orders.map((o) => o.shopifyOrderGid)),
      summary,
    },
  });
  logger.info({ shop: shopDomain, dataRequestId: row.id, orders: orders.length }, "customers/data_request recorded");
  return row;
}
