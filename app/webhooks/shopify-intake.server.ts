/**
 * The one path every Shopify webhook takes: verify the HMAC (authenticate.webhook answers 401 on a bad one and
 * 400 on missing headers, before anything is written), record a receipt keyed by X-Shopify-Webhook-Id so a
 * duplicate delivery is acknowledged and ignored, then run the topic's handler.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
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

export function shopifyWebhookAction(handler: ShopifyWebhookHandler) {
  return async ({ request }: ActionFunctionArgs) => {
    const { topic, shop, webhookId, payload } = await authenticate.webhook(request).catch((error: unknown) => {
      if (error instanceof Response) throw error;
      // The HMAC was valid (it is checked first) but the body is not JSON: nothing to record.
      throw new Response("Webhook body is not valid JSON", { status: 400 });
    });
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
        payload: (payload ?? {}) as Record<string, unknown>,
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
        logger.error({ topic, shop, webhookId, err: error }, "Shopify webhook handler failed; Shopify will retry");
      }
      throw error;
    }
    await db.webhookReceipt.update({ where: { id: receipt.id }, data: { processedAt: new Date() } }).catch(() => {
      // shop/redact removes the shop's receipts, this one included.
    });
    return new Response(null, { status: 200 });
  };
}

async function recordShopifyReceipt(input: { webhookId: string; topic: string; shop: string; shopId: string | null }) {
  try {
    return await db.webhookReceipt.create({
      data: {
        source: "SHOPIFY",
        deliveryId: input.webhookId,
        topic: input.topic,
        shopDomain: input.shop,
        shopId: input.shopId,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
