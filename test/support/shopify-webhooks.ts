import { createHmac, randomUUID } from "node:crypto";
import { testAppSecret } from "./app-process";

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
