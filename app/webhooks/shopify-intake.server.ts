/**
 * The one path every Shopify webhook takes while Shopify waits: verify the HMAC (verifyShopifyWebhook: the checks of
 * authenticate.webhook without loading the shop's session; 401 on a bad HMAC and 400 on missing headers, before
 * anything is written), check the payload (a topic's `check`: a payload
 * we refuse is a 422 with the reason kept on a receipt), record the delivery (its receipt, keyed by
 * X-Shopify-Webhook-Id, with the payload) in one write, queue the `process-shopify-webhook` job, and answer 200. The
 * job does the rest (shopify-process.server.ts): the order snapshot, the decision, the compliance work.
 *
 * Nothing is lost between the 200 and the job: the receipt holds the payload until the job has processed it, and a
 * receipt left unprocessed (the job never sent, the process killed) is re-driven by the reconciliation sweep and at
 * start-up. A duplicate delivery finds the receipt and is answered 200 without a second one.
 *
 * Answers by cause, because Shopify acts on the status: a 4xx is the sender's fault and is not worth a retry, a 5xx
 * is ours and Shopify retries it (shopify-facts "Webhooks"). So only a body that is not JSON, a shop header that is no
 * shop domain, a topic the app does not handle, or a payload we refuse is a 4xx; anything that goes wrong on our side
 * (the database busy or down, a timeout) is a 503, logged with the real error.
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { InvalidShopError } from "@shopify/shopify-api";
import DataLoader from "dataloader";
import db from "../db.server";
import { Prisma } from "../generated/sqlite/client";
import { jobQueue } from "../jobs/runtime.server";
import { logger } from "../logger.server";
import { type VerifiedWebhook, verifyShopifyWebhook } from "../shopify.server";
import { recordingDelivery } from "./intake-pressure";
import { sendShopifyWebhookJobs } from "./shopify-process.server";
import { SHOPIFY_TOPICS, topicKey } from "./shopify-topics.server";

export type { ShopifyWebhookContext } from "./shopify-topics.server";

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

/** The action of every Shopify webhook route (the topic comes from the verified headers; SHOPIFY_TOPICS says what to do). */
export function shopifyWebhookAction() {
  return async ({ request }: ActionFunctionArgs) => {
    const webhookId = request.headers.get("x-shopify-webhook-id") ?? undefined;
    const headerTopic = request.headers.get("x-shopify-topic") ?? undefined;
    let verified: VerifiedWebhook;
    try {
      verified = await verifyShopifyWebhook(request);
    } catch (error) {
      const answer = webhookAuthFailure(error);
      if (answer.status === 400 && !(error instanceof Response)) {
        logger.warn({ topic: headerTopic, webhookId, reason: await answer.clone().text() }, "Shopify webhook refused");
      } else if (answer.status >= 500) {
        // The HMAC was fine or not yet checked: the failure is ours. Shopify retries a 5xx.
        logger.error({ topic: headerTopic, webhookId, err: error }, "Shopify webhook not recorded; Shopify will retry");
      }
      return answer;
    }
    try {
      return await recordingDelivery(() => recordDelivery(verified));
    } catch (error) {
      const { topic, shop } = verified;
      logger.error(
        { topic, shop, webhookId: verified.webhookId, err: error },
        "Shopify webhook not recorded; Shopify will retry",
      );
      return unavailable();
    }
  };
}

async function recordDelivery(input: VerifiedWebhook) {
  const { topic, shop, webhookId } = input;
  const handling = SHOPIFY_TOPICS[topicKey(topic)];
  if (!handling) {
    logger.warn({ topic, shop, webhookId }, "Shopify webhook of a topic the app does not handle");
    return new Response(`The app does not handle ${topic} webhooks`, { status: 400 });
  }
  let refusal: Response | null = null;
  if (typeof input.payload !== "object" || input.payload === null || Array.isArray(input.payload)) {
    refusal = new Response(`${topic} payload rejected: body: not a JSON object`, { status: 422 });
  } else {
    try {
      handling.check?.(input.payload);
    } catch (error) {
      if (!(error instanceof Response)) throw error;
      refusal = error;
    }
  }
  // The exact bytes Shopify signed (JSON, since verifyShopifyWebhook parsed them).
  const payload = input.rawBody;
  if (refusal) {
    // Nothing to process: the reason stays on the receipt (not the payload: it may hold personal data).
    const error = `${refusal.status}: ${await refusal.clone().text()}`;
    await db.webhookReceipt.upsert({
      where: { source_deliveryId: { source: "SHOPIFY", deliveryId: webhookId } },
      create: { source: "SHOPIFY", deliveryId: webhookId, topic, shopDomain: shop, processedAt: new Date(), error },
      update: {},
    });
    return refusal;
  }
  const receiptId = await receipts.load({ webhookId, topic, shop, payload });
  if (receiptId) {
    // Sent beside the answer, not before it: the receipt is the record, the job only a wake-up call. Should the send
    // fail or the process die first, the sweep re-drives the receipt (redriveShopifyWebhookReceipts).
    void enqueueReceipt(receiptId, { topic, shop, webhookId });
    return new Response(null, { status: 200 });
  }
  await takeOverLegacyReceipt({ webhookId, topic, shop, payload });
  logger.info({ topic, shop, webhookId }, "duplicate Shopify webhook delivery: already recorded");
  return new Response(null, { status: 200 });
}

interface ReceiptRow {
  webhookId: string;
  topic: string;
  shop: string;
  payload: string;
}

/**
 * Write batching (group commit): deliveries that arrive while a receipt write is in flight are written together by
 * the next one, in one statement and one commit, as soon as it ends. A delivery that finds no write in flight is
 * written at once (the next turn of the event loop), so a lone delivery waits for nothing.
 */
function afterTheWriteInFlight(dispatch: () => void) {
  void writing.finally(() => setImmediate(dispatch));
}
let writing: Promise<unknown> = Promise.resolve();

const receipts = new DataLoader<ReceiptRow, string | null>(
  (rows) => {
    const written = insertReceipts(rows);
    writing = written.catch(() => {});
    return written;
  },
  { cache: false, maxBatchSize: 200, batchScheduleFn: afterTheWriteInFlight },
);

/**
 * The deliveries' receipts with their payloads, in one statement: for each, its receipt id, or null when its delivery
 * id was recorded already. Raw SQL (the same on SQLite and PostgreSQL) because this is the one write Shopify waits
 * for: it costs half of Prisma's create, and a duplicate is a skipped row, not an error to catch (docs/performance.md).
 */
async function insertReceipts(rows: readonly ReceiptRow[]): Promise<(string | null)[]> {
  const receivedAt = new Date();
  const ids = rows.map(() => randomUUID());
  const values = rows.map(
    (row, i) =>
      Prisma.sql`(${ids[i]}, 'SHOPIFY', ${row.webhookId}, ${row.topic}, ${row.shop}, ${row.payload}, ${receivedAt})`,
  );
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "WebhookReceipt" ("id", "source", "deliveryId", "topic", "shopDomain", "payload", "receivedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("source", "deliveryId") DO NOTHING
    RETURNING "id"`;
  const written = new Set(inserted.map((row) => row.id));
  return ids.map((id) => (written.has(id as string) ? (id as string) : null));
}

/**
 * A duplicate of a recorded delivery needs nothing, except where the first receipt holds no payload: one left
 * unprocessed by a version of the app that handled the delivery during the request and died doing it. The
 * redelivery gives it its payload (one conditional update, so two redeliveries cannot both do it) and its job.
 */
async function takeOverLegacyReceipt(input: { webhookId: string; topic: string; shop: string; payload: string }) {
  const existing = await db.webhookReceipt.findUnique({
    where: { source_deliveryId: { source: "SHOPIFY", deliveryId: input.webhookId } },
    select: { id: true, processedAt: true, payload: true },
  });
  if (!existing || existing.processedAt) return;
  if (existing.payload === null) {
    const { count } = await db.webhookReceipt.updateMany({
      where: { id: existing.id, processedAt: null, payload: null },
      data: { payload: input.payload, receivedAt: new Date() },
    });
    if (count === 0) return;
    logger.warn(
      { topic: input.topic, shop: input.shop, webhookId: input.webhookId },
      "Shopify webhook redelivered after its first delivery never finished: processing it now",
    );
  }
  // Still waiting for its job (say, the first delivery's enqueue failed): sending it again costs nothing (one key).
  await enqueueReceipt(existing.id, input);
}

/** Jobs of deliveries recorded at about the same time are sent together (pg-boss: one insert), as receipts are written. */
const wakeUps = new DataLoader<string, null>(
  async (receiptIds) => {
    await sendShopifyWebhookJobs(jobQueue(), receiptIds, Date.now());
    return receiptIds.map(() => null);
  },
  { cache: false, maxBatchSize: 200 },
);

/** A failed enqueue loses nothing: the receipt stays unprocessed, and the sweep re-drives it. */
async function enqueueReceipt(receiptId: string, log: { topic: string; shop: string; webhookId: string }) {
  await wakeUps
    .load(receiptId)
    .catch((error: unknown) =>
      logger.warn({ ...log, receiptId, err: (error as Error).message }, "Shopify webhook job not sent; the sweep will"),
    );
}
