/**
 * What the app does with each Shopify webhook topic. The intake (shopify-intake.server.ts) checks a delivery with
 * the topic's `check` while Shopify waits (a payload we refuse is a 4xx at once, nothing queued), records it, and
 * answers; the `process-shopify-webhook` job (shopify-process.server.ts) then runs the topic's `handle` on the
 * recorded payload. Every `handle` is idempotent: a recorded delivery may run twice (a redelivery after a crash, a
 * sweep), and twice must change nothing more than once.
 */
import db from "../db.server";
import { parseOrderPayload, receiveOrderWebhook } from "../fulfillment/intake.server";
import {
  checkDataRequestPayload,
  checkRedactPayload,
  recordDataRequest,
  redactCustomer,
} from "../settings/compliance.server";
import { purgeShop, recordUninstall } from "../settings/shops.server";

export interface ShopifyWebhookContext {
  /** As authenticate.webhook gives it: ORDERS_PAID, APP_UNINSTALLED, … */
  topic: string;
  shop: string;
  webhookId: string;
  payload: Record<string, unknown>;
  receiptId: string;
}

export interface ShopifyTopic {
  /** Runs while Shopify waits, on the parsed body: throw a 4xx Response to refuse the delivery. Cheap, no I/O. */
  check?: (payload: unknown) => void;
  /** Runs in the job. Throw a 4xx Response for a delivery that can never be handled (kept as the receipt's error). */
  handle: (ctx: ShopifyWebhookContext) => Promise<void>;
}

const orderTopic: ShopifyTopic = { check: parseOrderPayload, handle: receiveOrderWebhook };

export const SHOPIFY_TOPICS: Readonly<Record<string, ShopifyTopic>> = {
  ORDERS_CREATE: orderTopic,
  ORDERS_UPDATED: orderTopic,
  ORDERS_PAID: orderTopic,
  ORDERS_CANCELLED: orderTopic,
  APP_UNINSTALLED: {
    // May repeat, and may arrive after the sessions are gone: both are harmless.
    handle: ({ shop }) => recordUninstall(db, shop),
  },
  APP_SCOPES_UPDATE: {
    handle: async ({ shop, payload }) => {
      const current = Array.isArray(payload.current) ? payload.current.map(String).join(",") : null;
      if (current === null) return;
      await db.session.updateMany({ where: { shop }, data: { scope: current } });
      await db.shop.updateMany({ where: { domain: shop }, data: { scopes: current } });
    },
  },
  CUSTOMERS_DATA_REQUEST: {
    check: checkDataRequestPayload,
    handle: async ({ shop, payload }) => {
      await recordDataRequest(db, shop, payload);
    },
  },
  CUSTOMERS_REDACT: {
    check: checkRedactPayload,
    handle: async ({ shop, payload }) => {
      await redactCustomer(db, shop, payload);
    },
  },
  SHOP_REDACT: { handle: ({ shop }) => purgeShop(db, shop) },
};

/** The table's key for a topic as Shopify's header spells it (orders/paid) or as authenticate.webhook does. */
export const topicKey = (topic: string): string => topic.toUpperCase().replace(/\//g, "_");
