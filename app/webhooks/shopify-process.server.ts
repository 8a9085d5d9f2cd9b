/**
 * The `process-shopify-webhook` job: one recorded Shopify delivery (a WebhookReceipt holding the payload) → the
 * topic's handler (shopify-topics.server.ts). The receipt is marked processed and its payload dropped once the handler
 * got through (the order snapshot keeps what the app needs; a receipt keeps no personal data longer than that). A
 * handler's 4xx refusal is kept as the receipt's error; any other failure is retried by the queue, and after the last
 * try the receipt stays unprocessed with the reason, for the sweep (redriveShopifyWebhookReceipts) to try again later.
 */
import type { Db } from "../db.server";
import { type JobQueue, shopifyWebhookJobKey } from "../jobs/queue";
import { logger } from "../logger.server";
import { SHOPIFY_TOPICS, topicKey } from "./shopify-topics.server";

/** How long the sweep keeps re-driving a receipt that keeps failing (the reconciliation's order discovery covers orders). */
const REDRIVE_FOR_HOURS = 72;

export async function processShopifyWebhookReceipt(db: Db, receiptId: string): Promise<void> {
  const receipt = await db.webhookReceipt.findUnique({
    where: { id: receiptId },
    select: { source: true, deliveryId: true, topic: true, shopDomain: true, payload: true, processedAt: true },
  });
  // Gone (shop/redact removed it) or done (a second run of the same delivery): nothing to do.
  if (receipt?.source !== "SHOPIFY" || receipt.processedAt) return;
  const shop = receipt.shopDomain ?? "";
  const done = (data: { error?: string } = {}) =>
    db.webhookReceipt.updateMany({
      where: { id: receiptId, processedAt: null },
      data: { processedAt: new Date(), payload: null, error: data.error ?? null },
    });
  const handling = SHOPIFY_TOPICS[topicKey(receipt.topic)];
  const payload = parsePayload(receipt.payload);
  if (!handling || !payload) {
    const error = !handling ? `no handler for ${receipt.topic}` : "the recorded payload is not a JSON object";
    logger.error(
      { receiptId, topic: receipt.topic, shop, webhookId: receipt.deliveryId, error },
      "Shopify webhook dropped",
    );
    await done({ error });
    return;
  }
  try {
    await handling.handle({
      topic: receipt.topic,
      shop,
      webhookId: receipt.deliveryId,
      payload,
      receiptId,
    });
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    const reason = `${error.status}: ${await error.clone().text()}`;
    logger.warn(
      { receiptId, topic: receipt.topic, shop, webhookId: receipt.deliveryId, reason },
      "Shopify webhook refused",
    );
    await done({ error: reason });
    return;
  }
  await done();
}

function parsePayload(stored: string | null): Record<string, unknown> | null {
  if (stored === null) return null;
  try {
    const value: unknown = JSON.parse(stored);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Sends the jobs of recorded deliveries, each under its receipt's key (one queued, one running), in one go where the
 * queue can (pg-boss: one insert). `recordedAt` (the intake's) lets the embedded job give way to deliveries still
 * arriving; re-driven receipts have waited long enough.
 */
export async function sendShopifyWebhookJobs(
  queue: JobQueue,
  receiptIds: readonly string[],
  recordedAt?: number,
): Promise<void> {
  const jobs = receiptIds.map((receiptId) => ({
    data: recordedAt === undefined ? { receiptId } : { receiptId, recordedAt },
    options: { singletonKey: shopifyWebhookJobKey(receiptId) },
  }));
  if (queue.enqueueMany) await queue.enqueueMany("process-shopify-webhook", jobs);
  else for (const job of jobs) await queue.enqueue("process-shopify-webhook", job.data, job.options);
}

/** After the job's last try: the reason is kept on the receipt, which stays unprocessed for the sweep. */
export async function noteShopifyWebhookFailure(db: Db, receiptId: string, error: unknown): Promise<void> {
  await db.webhookReceipt.updateMany({
    where: { id: receiptId, processedAt: null },
    data: { error: (error as Error).message ?? String(error) },
  });
}

/**
 * Enqueues every Shopify receipt left unprocessed for longer than `olderThanSeconds`: its job was never sent, or
 * its process died, or it used up its tries. One that has kept failing for REDRIVE_FOR_HOURS is given up, with its
 * reason kept (an order it carried is still found by the reconciliation's discovery from Shopify).
 */
export async function redriveShopifyWebhookReceipts(
  deps: { db: Db; queue: JobQueue; now?: () => Date },
  options: { olderThanSeconds?: number; limit?: number } = {},
): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const before = new Date(now.getTime() - (options.olderThanSeconds ?? 120) * 1000);
  const giveUpBefore = new Date(now.getTime() - REDRIVE_FOR_HOURS * 3600_000);
  const stale = { source: "SHOPIFY", processedAt: null, payload: { not: null }, receivedAt: { lt: giveUpBefore } };
  // Never without a reason: one whose tries left none (the sweep's re-drives only) says so.
  await deps.db.webhookReceipt.updateMany({
    where: { ...stale, error: null },
    data: { error: `Not processed within ${REDRIVE_FOR_HOURS} h` },
  });
  const given = await deps.db.webhookReceipt.updateMany({ where: stale, data: { processedAt: now, payload: null } });
  if (given.count > 0) {
    logger.error({ count: given.count }, `Shopify webhooks given up after ${REDRIVE_FOR_HOURS} h of failures`);
  }
  const receipts = await deps.db.webhookReceipt.findMany({
    where: { source: "SHOPIFY", processedAt: null, payload: { not: null }, receivedAt: { lt: before } },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: options.limit ?? 500,
  });
  await sendShopifyWebhookJobs(
    deps.queue,
    receipts.map((r) => r.id),
  );
  if (receipts.length > 0) logger.info({ count: receipts.length }, "re-driving unprocessed Shopify webhooks");
  return receipts.length;
}
