import { createHmac, randomUUID } from "node:crypto";
import { fetch } from "undici";

export const webhookApiVersion = "2026-10";

export interface SendWebhookInput {
  /** The app's origin, e.g. `http://127.0.0.1:3000`. */
  appUrl: string;
  /** The subscription's path, e.g. `/webhooks/orders/paid`. */
  path: string;
  /** REST-style topic as Shopify sends it in `X-Shopify-Topic`, e.g. `orders/paid`. */
  topic: string;
  shop: string;
  /** An object is serialised once; a string is sent byte for byte (to test signatures over odd bodies). */
  payload: unknown;
  secret: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
  /** Deliberately sign with another secret / another body to test rejection. */
  signatureOverride?: string;
}

export interface SentWebhook {
  status: number;
  body: string;
  webhookId: string;
  eventId: string;
  headers: Record<string, string>;
}

export function signWebhookBody(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/**
 * Delivers one webhook like Shopify does (shopify.dev "Deliver webhooks through HTTPS"): POST of the JSON body,
 * `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body with the app's client secret, and Shopify's
 * delivery headers. Shopify gives up after 5 s, so does this.
 */
export async function sendWebhook(input: SendWebhookInput): Promise<SentWebhook> {
  const body = typeof input.payload === "string" ? input.payload : JSON.stringify(input.payload);
  const webhookId = input.webhookId ?? randomUUID();
  const eventId = input.eventId ?? randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Shopify-Captain-Hook",
    "x-shopify-hmac-sha256": input.signatureOverride ?? signWebhookBody(body, input.secret),
    "x-shopify-topic": input.topic,
    "x-shopify-shop-domain": input.shop,
    "x-shopify-api-version": input.apiVersion ?? webhookApiVersion,
    "x-shopify-webhook-id": webhookId,
    "x-shopify-event-id": eventId,
    "x-shopify-triggered-at": input.triggeredAt ?? new Date().toISOString(),
  };
  const url = new URL(input.path, input.appUrl);
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text(), webhookId, eventId, headers };
}
