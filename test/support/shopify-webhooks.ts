import { createHmac, randomUUID } from "node:crypto";
import type { Db } from "../../app/db.server";
import { testAppSecret } from "./app-process";
import { eventually } from "./stack";

export interface SentWebhook {
  status: number;
  webhookId: string;
  body: string;
}

/** Posts a webhook the way Shopify does: HMAC-SHA256 (base64) of the exact bytes sent, with Shopify's headers. */
export async function postShopifyWebhook(
  appUrl: string,
  input: {
    topic: string;
    shop: string;
    payload: unknown;
    webhookId?: string;
    secret?: string;
    hmac?: string;
    rawBody?: string;
  },
): Promise<SentWebhook> {
  const body = input.rawBody ?? JSON.stringify(input.payload);
  const webhookId = input.webhookId ?? randomUUID();
  const hmac =
    input.hmac ??
    createHmac("sha256", input.secret ?? testAppSecret)
      .update(body, "utf8")
      .digest("base64");
  const res = await fetch(`${appUrl}/webhooks/${input.topic}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": input.topic,
      "X-Shopify-Shop-Domain": input.shop,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, webhookId, body };
}

/**
 * Waits until the app has processed a recorded delivery (the intake answers once the delivery is recorded; the
 * `process-shopify-webhook` job does the work) and returns its receipt.
 */
export async function processedReceipt(db: Db, webhookId: string, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const receipt = await db.webhookReceipt.findFirst({ where: { source: "SHOPIFY", deliveryId: webhookId } });
      return receipt?.processedAt ? receipt : undefined;
    },
    timeoutMs,
    25,
  );
}

/** Posts a webhook as Shopify does and, when it was recorded (200), waits until the app has processed it. */
export async function deliverShopifyWebhook(
  appUrl: string,
  db: Db,
  input: Parameters<typeof postShopifyWebhook>[1],
): Promise<SentWebhook> {
  const sent = await postShopifyWebhook(appUrl, input);
  if (sent.status === 200) await processedReceipt(db, sent.webhookId);
  return sent;
}
