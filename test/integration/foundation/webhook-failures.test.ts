/**
 * Webhook intake answers by cause. A valid, correctly signed delivery that meets a failure on our side (here: the
 * database refusing the query authenticate.webhook makes for the shop's offline session, or the receipt insert of a
 * CJ message) is answered 503 so the sender retries, and the log says what really failed; a body that is not JSON is
 * the only 400. Once the database is back, the redelivery is recorded: nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, secretLookupHash } from "../../../app/secrets/crypto.server";
import { connectShop } from "../../../app/settings/connect.server";
import { signWebhookBody } from "../../emulators/cj/index";
import { type AppProcess, startApp } from "../../support/app-process";
import { createTestDatabase, type TestDatabase, testProfiles } from "../../support/database";
import { postShopifyWebhook } from "../../support/shopify-webhooks";
import { eventually } from "../../support/stack";

const SHOP = "failures-test.myshopify.com";
const OPEN_ID = "777001";

function orderPayload(id: number) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    updated_at: "2026-11-20T10:00:00Z",
    financial_status: "pending",
    shipping_address: { name: "Ada Buyer", country_code: "US" },
  };
}

/** App log lines (pino JSON) with this message. */
function logLines(app: AppProcess, msg: string): Record<string, unknown>[] {
  return app
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

for (const profile of await testProfiles()) {
  describe(`webhook intake on the ${profile} profile: failures on our side are 5xx`, () => {
    let t: TestDatabase;
    let app: AppProcess;
    const rename = (from: string, to: string) => t.db.$executeRawUnsafe(`ALTER TABLE "${from}" RENAME TO "${to}"`);
    /** Runs `send` while `table` is missing (the database refuses every query on it), then puts it back. */
    const withoutTable = async <T>(table: string, send: () => Promise<T>): Promise<T> => {
      await rename(table, `${table}_away`);
      try {
        return await send();
      } finally {
        await rename(`${table}_away`, table);
      }
    };
    const postPaid = (payload: unknown, webhookId?: string) =>
      postShopifyWebhook(app.url, { topic: "orders/paid", shop: SHOP, payload, ...(webhookId ? { webhookId } : {}) });
    /** Shopify sends the delivery again (same id) once the database is back: it is recorded, once. */
    const redeliveryRecorded = async (payload: { admin_graphql_api_id: string }, webhookId: string) => {
      expect((await postPaid(payload, webhookId)).status).toBe(200);
      expect(await t.db.order.count({ where: { shopifyOrderGid: payload.admin_graphql_api_id } })).toBe(1);
    };

    beforeAll(async () => {
      t = await createTestDatabase(profile);
      app = await startApp({ databaseUrl: t.url, env: { LOG_LEVEL: "info" } });
      process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
      const shop = await connectShop(t.db, { shop: SHOP, accessToken: "shpat_failures", scopes: "read_orders" });
      await t.db.cjAccount.create({
        data: {
          shops: { connect: { id: shop.id } },
          apiKeyEnc: encryptSecret("CJ-FAIL-KEY"),
          openIdEnc: encryptSecret(OPEN_ID),
          openIdHash: secretLookupHash(OPEN_ID),
        },
      });
    });

    afterAll(async () => {
      await app?.stop();
      await t?.drop();
    });

    it("a database failure while authenticate.webhook loads the session → 503 with the real error logged; the redelivery is recorded", async () => {
      const payload = orderPayload(9101);
      const failed = await withoutTable("Session", () => postPaid(payload));
      expect(failed.status).toBe(503);
      expect(await t.db.webhookReceipt.count({ where: { deliveryId: failed.webhookId } })).toBe(0);
      const logged = await eventually(async () => {
        const lines = logLines(app, "Shopify webhook not recorded; Shopify will retry");
        return lines.find((l) => l.webhookId === failed.webhookId);
      });
      expect(logged.level).toBe(50);
      expect(JSON.stringify(logged.err)).toMatch(/Session/);
      expect(JSON.stringify(logged)).not.toMatch(/not valid JSON/);

      await redeliveryRecorded(payload, failed.webhookId);
    });

    it("a correctly signed body that is not JSON → 400 and nothing written", async () => {
      const before = await t.db.webhookReceipt.count();
      const sent = await postShopifyWebhook(app.url, {
        topic: "orders/paid",
        shop: SHOP,
        payload: null,
        rawBody: '{"id": 1, "name": ',
      });
      expect(sent.status).toBe(400);
      expect(await t.db.webhookReceipt.count()).toBe(before);
      await eventually(async () =>
        logLines(app, "Shopify webhook refused").some(
          (l) => l.webhookId === sent.webhookId && l.reason === "Webhook body is not valid JSON",
        ),
      );
    });

    it("a handler that meets a database failure → 503, no receipt kept, and the redelivery is processed", async () => {
      const payload = orderPayload(9102);
      const failed = await withoutTable("Order", () => postPaid(payload));
      expect(failed.status).toBe(503);
      expect(await t.db.webhookReceipt.count({ where: { deliveryId: failed.webhookId } })).toBe(0);
      const logged = await eventually(async () =>
        logLines(app, "Shopify webhook handler failed; Shopify will retry").find(
          (l) => l.webhookId === failed.webhookId,
        ),
      );
      expect(JSON.stringify(logged.err)).toMatch(/Order/);
      await redeliveryRecorded(payload, failed.webhookId);
    });

    it("a redelivery whose first delivery never finished (receipt left unprocessed by a dead process) is processed", async () => {
      const payload = orderPayload(9103);
      const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
      // What a process killed between recording the receipt and running the handler leaves behind.
      await t.db.webhookReceipt.create({
        data: {
          source: "SHOPIFY",
          deliveryId: "died-mid-delivery",
          topic: "orders/paid",
          shopDomain: SHOP,
          shopId: shop.id,
          receivedAt: new Date(Date.now() - 120_000),
        },
      });
      const again = await postShopifyWebhook(app.url, {
        topic: "orders/paid",
        shop: SHOP,
        payload,
        webhookId: "died-mid-delivery",
      });
      expect(again.status).toBe(200);
      expect(await t.db.order.count({ where: { shopifyOrderGid: "gid://shopify/Order/9103" } })).toBe(1);
      const receipt = await t.db.webhookReceipt.findFirstOrThrow({ where: { deliveryId: "died-mid-delivery" } });
      expect(receipt.processedAt).toBeInstanceOf(Date);
    });

    it("a redelivery while the first delivery of its id is still being handled → 503 (never a 200 that could lose it)", async () => {
      const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
      const receipt = await t.db.webhookReceipt.create({
        data: { source: "SHOPIFY", deliveryId: "in-flight-1", topic: "orders/paid", shopDomain: SHOP, shopId: shop.id },
      });
      const payload = orderPayload(9104);
      const during = await postShopifyWebhook(app.url, {
        topic: "orders/paid",
        shop: SHOP,
        payload,
        webhookId: "in-flight-1",
      });
      expect(during.status).toBe(503);
      await eventually(async () =>
        logLines(app, "Shopify webhook delivery already in progress").some((l) => l.webhookId === "in-flight-1"),
      );
      // Once the first delivery has finished, a redelivery is a duplicate: 200, nothing done twice.
      await t.db.webhookReceipt.update({ where: { id: receipt.id }, data: { processedAt: new Date() } });
      const after = await postShopifyWebhook(app.url, {
        topic: "orders/paid",
        shop: SHOP,
        payload,
        webhookId: "in-flight-1",
      });
      expect(after.status).toBe(200);
      expect(await t.db.order.count({ where: { shopifyOrderGid: "gid://shopify/Order/9104" } })).toBe(0);
    });

    it("CJ route: a database failure while recording the message → 503 with the real error logged; the redelivery is recorded", async () => {
      const raw = JSON.stringify({
        messageId: "cj-msg-failure-1",
        type: "ORDER",
        messageType: "UPDATE",
        openId: Number(OPEN_ID),
        params: { cjOrderId: "CJ-NOPE-1", orderNumber: "nope-1", orderStatus: "UNSHIPPED" },
      });
      const post = () =>
        fetch(`${app.url}/webhooks/cj`, {
          method: "POST",
          headers: { "content-type": "application/json", sign: signWebhookBody(OPEN_ID, raw) },
          body: raw,
        });
      const failed = await withoutTable("WebhookReceipt", post);
      expect(failed.status).toBe(503);
      const logged = await eventually(async () =>
        logLines(app, "CJ webhook not recorded; CJ will deliver it again").find(
          (l) => l.messageId === "cj-msg-failure-1",
        ),
      );
      expect(JSON.stringify(logged.err)).toMatch(/WebhookReceipt/);
      const again = await post();
      expect(again.status).toBe(200);
      expect(await t.db.webhookReceipt.count({ where: { source: "CJ", deliveryId: "cj-msg-failure-1" } })).toBe(1);
    });
  });
}
