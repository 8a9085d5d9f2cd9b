/**
 * The one path every Shopify webhook takes: verify the HMAC (authenticate.webhook answers 401 on a bad one and
 * 400 on missing headers, before anything is written), record a receipt keyed by X-Shopify-Webhook-Id so a
 * duplicate delivery is acknowledged and ignored, then run the topic's handler.
 *
 * Answers by cause, because Shopify acts on the status: a 4xx is the sender's fault and is not worth a retry, a 5xx
 * is ours and Shopify retries it (shopify-facts "Webhooks"). So only a body that is not JSON or a shop header that is
 * no shop domain is a 400; anything that goes wrong on our side (the database busy or down, a timeout) is a 503,
 * logged with the real error.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { InvalidShopError } from "@shopify/shopify-api";
import db from "../db.server";
import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

export interface ShopifyWebhookContext {
  topic: string;
  shop: string;
  webhookId: string;
  payload: Record<string, unknown>;
  receiptId: string;
  shopId: string | null;
}

export type ShopifyWebhookHandler = (ctx: ShopifyWebhookContext) => Promise<void>;

/**
 * A receipt left unprocessed this long belongs to a delivery whose process died mid-way (the handler takes
 * milliseconds): Shopify's redelivery takes it over instead of being acknowledged as a duplicate of work that never
 * finished. Younger ones are deliveries still in flight elsewhere: a duplicate of those is answered 503, since the first
 * may yet fail.
 */
export const STALE_RECEIPT_SECONDS = Number(process.env.WEBHOOK_RECEIPT_STALE_SECONDS ?? 30);

/**
 * Where authenticate.webhook failed: its own answers (401, 400, 405) stand; a body that is not JSON and a shop header
 * that is no shop domain are the sender's fault; anything else is ours.
 */
export function webhookAuthFailure(error: unknown): Response {
  if (error instanceof Response) return error;
  if (error instanceof SyntaxError) return new Response("Webhook body is not valid JSON", { status: 400 });
  if (error instanceof InvalidShopError) {
    return new Response("X-Shopify-Shop-Domain is not a shop domain", { status: 400 });
  }
  return unavailable();
}

const unavailable = (message = "Temporarily unable to record this webhook; please retry") =>
  new Response(message, { status: 503, headers: { "Retry-After": "5" } });

export function shopifyWebhookAction(handler: ShopifyWebhookHandler) {
  return async ({ request }: ActionFunctionArgs) => {
    const webhookId = request.headers.get("x-shopify-webhook-id") ?? undefined;
    const headerTopic = request.headers.get("x-shopify-topic") ?? undefined;
    let authenticated: Awaited<ReturnType<typeof authenticate.webhook>>;
    try {
      authenticated = await authenticate.webhook(request);
    } catch (error) {
      const answer = webhookAuthFailure(error);
      if (answer.status === 400 && !(error instanceof Response)) {
        logger.warn({ topic: headerTopic, webhookId, reason: await answer.clone().text() }, "Shopify webhook refused");
      } else if (answer.status >= 500) {
        // The HMAC was fine or not yet checked: the failure is ours (authenticate.webhook also reads the shop's
        // offline session from the database). Shopify retries a 5xx.
        logger.error({ topic: headerTopic, webhookId, err: error }, "Shopify webhook not recorded; Shopify will retry");
      }
      return answer;
    }
    const { topic, shop, payload } = authenticated;
    try {
      return await recordAndHandle(handler, { topic, shop, webhookId: authenticated.webhookId, payload });
    } catch (error) {
      if (error instanceof Response) return error;
      if (error instanceof DeliveryInFlight) {
        logger.warn(
          { topic, shop, webhookId: authenticated.webhookId },
          "Shopify webhook delivery already in progress",
        );
        return unavailable("This delivery is already being processed; please retry");
      }
      logger.error(
        { topic, shop, webhookId: authenticated.webhookId, err: error },
        "Shopify webhook handler failed; Shopify will retry",
      );
      return unavailable();
    }
  };
}

async function recordAndHandle(
  handler: ShopifyWebhookHandler,
  input: { topic: string; shop: string; webhookId: string; payload: unknown },
): Promise<Response> {
  const { topic, shop, webhookId } = input;
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { id: true } });
  const receipt = await recordShopifyReceipt({ webhookId, topic, shop, shopId: shopRow?.id ?? null });
  if (!receipt) {
    logger.info({ topic, shop, webhookId }, "duplicate Shopify webhook delivery ignored");
    return new Response(null, { status: 200 });
  }
  try {
    await handler({
      topic,
      shop,
      webhookId,
      payload: (input.payload ?? {}) as Record<string, unknown>,
      receiptId: receipt.id,
      shopId: shopRow?.id ?? null,
    });
  } catch (error) {
    // Keep the reason on the receipt; a rejected payload (a thrown 4xx Response) is answered as is, anything else
    // lets Shopify retry — after removing the receipt so the retry is not taken for a duplicate.
    if (error instanceof Response) {
      await db.webhookReceipt.update({
        where: { id: receipt.id },
        data: { error: `${error.status}: ${await error.clone().text()}`, processedAt: new Date() },
      });
    } else {
      await db.webhookReceipt.delete({ where: { id: receipt.id } }).catch(() => {});
    }
    throw error;
  }
  await db.webhookReceipt.update({ where: { id: receipt.id }, data: { processedAt: new Date() } }).catch(() => {
    // shop/redact removes the shop's receipts, this one included.
  });
  return new Response(null, { status: 200 });
}

/**
 * The receipt this delivery works under, or null for a duplicate of a delivery that was processed. A delivery of the
 * same id still in progress (unprocessed, younger than STALE_RECEIPT_SECONDS) is DeliveryInFlight: answered 503, so
 * that Shopify sends it again, since the first may yet fail. An older unprocessed one is taken over (one conditional
 * update, so two redeliveries cannot both take it).
 */
async function recordShopifyReceipt(input: { webhookId: string; topic: string; shop: string; shopId: string | null }) {
  const create = () =>
    db.webhookReceipt.create({
      data: {
        source: "SHOPIFY",
        deliveryId: input.webhookId,
        topic: input.topic,
        shopDomain: input.shop,
        shopId: input.shopId,
      },
    });
  for (let tries = 0; tries < 2; tries++) {
    try {
      return await create();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await db.webhookReceipt.findUnique({
      where: { source_deliveryId: { source: "SHOPIFY", deliveryId: input.webhookId } },
    });
    // Gone again: the first delivery failed and removed it so that a redelivery is processed. Try once more.
    if (!existing) continue;
    if (existing.processedAt) return null;
    if (Date.now() - existing.receivedAt.getTime() < STALE_RECEIPT_SECONDS * 1000) {
      // The first delivery is still being handled and may yet fail: a 200 now could lose the webhook. Retry later.
      throw new DeliveryInFlight();
    }
    const now = new Date();
    const { count } = await db.webhookReceipt.updateMany({
      where: { id: existing.id, processedAt: null, receivedAt: existing.receivedAt },
      data: { receivedAt: now },
    });
    if (count === 0) throw new DeliveryInFlight();
    logger.warn(
      { topic: input.topic, shop: input.shop, webhookId: input.webhookId },
      "Shopify webhook redelivered after its first delivery never finished: processing it now",
    );
    return { ...existing, receivedAt: now };
  }
  throw new DeliveryInFlight();
}

/** The same delivery is being handled right now by another request: answered 503, Shopify sends it again. */
class DeliveryInFlight extends Error {
  override readonly name = "DeliveryInFlight";
  constructor() {
    super("the same webhook delivery is being processed by another request");
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
