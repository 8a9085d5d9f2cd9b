/**
 * Webhook intake answers by cause. A valid, correctly signed delivery that meets a failure on our side (here: the
 * database refusing the receipt insert, of a Shopify delivery or of a CJ message) is answered 503 so the sender
 * retries, and the log says what really failed; a body that is not JSON is the only 400. Once the database is back,
 * the redelivery is recorded: nothing is lost. A failure after the 200 (the job that processes a recorded delivery)
 * is retried by the job queue from the payload kept on the receipt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, secretLookupHash } from "../../../app/secrets/crypto.server";
import { connectShop } from "../../../app/settings/connect.server";
import { signWebhookBody } from "../../emulators/cj/index";
import { type AppProcess, startApp } from "../../support/app-process";
import { createTestDatabase, type TestDatabase, testProfiles } from "../../support/database";
import { startWorker, type WorkerProcess } from "../../support/processes";
import { postShopifyWebhook, processedReceipt } from "../../support/shopify-webhooks";
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
    let worker: WorkerProcess | undefined;
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
      await processedReceipt(t.db, webhookId);
      expect(await t.db.order.count({ where: { shopifyOrderGid: payload.admin_graphql_api_id } })).toBe(1);
    };

    beforeAll(async () => {
      t = await createTestDatabase(profile);
      app = await startApp({ databaseUrl: t.url, env: { LOG_LEVEL: "info" } });
      process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
      // PostgreSQL: the web process records deliveries, a worker processes them (as deployed).
      if (profile === "postgresql") {
        worker = await startWorker({
          databaseUrl: t.url,
          env: {
            APP_ENCRYPTION_KEY: app.env.APP_ENCRYPTION_KEY ?? "",
            LOG_LEVEL: "info",
            JOB_RETRY_DELAY_SECONDS: "1",
          },
        });
        await worker.ready();
      }
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
      await worker?.stop();
      await app?.stop();
      await t?.drop();
    });

    it("a database failure while recording the delivery → 503 with the real error logged; the redelivery is recorded", async () => {
      const payload = orderPayload(9101);
      const failed = await withoutTable("WebhookReceipt", () => postPaid(payload));
      expect(failed.status).toBe(503);
      expect(await t.db.webhookReceipt.count({ where: { deliveryId: failed.webhookId } })).toBe(0);
      const logged = await eventually(async () => {
        const lines = logLines(app, "Shopify webhook not recorded; Shopify will retry");
        return lines.find((l) => l.webhookId === failed.webhookId);
      });
      expect(logged.level).toBe(50);
      expect(JSON.stringify(logged.err)).toMatch(/WebhookReceipt/);
      expect(JSON.stringify(logged)).not.toMatch(/not valid JSON/);

      await redeliveryRecorded(payload, failed.webhookId);
    });

    it("the intake reads no session: a delivery is recorded while the Session table is unavailable", async () => {
      const payload = orderPayload(9105);
      const sent = await withoutTable("Session", () => postPaid(payload));
      expect(sent.status).toBe(200);
      await processedReceipt(t.db, sent.webhookId);
      expect(await t.db.order.count({ where: { shopifyOrderGid: payload.admin_graphql_api_id } })).toBe(1);
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

    it("a handler that meets a database failure after the 200: the job retries, and the order is there once, when the database is back", async () => {
      const payload = orderPayload(9102);
      let sent: Awaited<ReturnType<typeof postPaid>> | undefined;
      await withoutTable("Order", async () => {
        sent = await postPaid(payload);
        expect(sent.status).toBe(200);
        // The job meets the missing table and will try again; the payload waits on the receipt meanwhile.
        const receipt = await t.db.webhookReceipt.findFirstOrThrow({ where: { deliveryId: sent.webhookId } });
        const jobLog = () => app.output() + (worker?.output() ?? "");
        await eventually(async () =>
          jobLog()
            .split("\n")
            .some((line) => line.includes(receipt.id) && /no such table|does not exist/.test(line)),
        ).catch((error) => {
          console.log(jobLog().slice(-4000));
          throw error;
        });
        const waiting = await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: receipt.id } });
        expect(waiting.processedAt).toBeNull();
        expect(waiting.payload).toContain('"admin_graphql_api_id":"gid://shopify/Order/9102"');
      });
      const receipt = await processedReceipt(t.db, sent?.webhookId ?? "", 30_000);
      expect(receipt.error).toBeNull();
      expect(await t.db.order.count({ where: { shopifyOrderGid: payload.admin_graphql_api_id } })).toBe(1);
      // A late redelivery of the same id changes nothing.
      expect((await postPaid(payload, sent?.webhookId)).status).toBe(200);
      expect(await t.db.order.count({ where: { shopifyOrderGid: payload.admin_graphql_api_id } })).toBe(1);
    });

    it("a delivery recorded by a process that died before its job ran: the redelivery is a 200, and the recorded payload is processed once", async () => {
      const payload = orderPayload(9103);
      // What a process killed between its answer and the job leaves behind (the start-up sweep also re-drives it).
      await t.db.webhookReceipt.create({
        data: {
          source: "SHOPIFY",
          deliveryId: "died-before-job",
          topic: "ORDERS_PAID",
          shopDomain: SHOP,
          payload: JSON.stringify(payload),
          receivedAt: new Date(Date.now() - 120_000),
        },
      });
      const again = await postPaid(payload, "died-before-job");
      expect(again.status).toBe(200);
      await processedReceipt(t.db, "died-before-job");
      expect(await t.db.order.count({ where: { shopifyOrderGid: "gid://shopify/Order/9103" } })).toBe(1);
      expect(await t.db.webhookReceipt.count({ where: { deliveryId: "died-before-job" } })).toBe(1);
    });

    it("a receipt an earlier version left without its payload (died mid-delivery): the redelivery brings the payload and is processed", async () => {
      const payload = orderPayload(9104);
      await t.db.webhookReceipt.create({
        data: {
          source: "SHOPIFY",
          deliveryId: "legacy-in-flight",
          topic: "orders/paid",
          shopDomain: SHOP,
          receivedAt: new Date(Date.now() - 120_000),
        },
      });
      const again = await postPaid(payload, "legacy-in-flight");
      expect(again.status).toBe(200);
      await processedReceipt(t.db, "legacy-in-flight");
      expect(await t.db.order.count({ where: { shopifyOrderGid: "gid://shopify/Order/9104" } })).toBe(1);
      await eventually(async () =>
        logLines(app, "Shopify webhook redelivered after its first delivery never finished: processing it now").some(
          (l) => l.webhookId === "legacy-in-flight",
        ),
      );
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
