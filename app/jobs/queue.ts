/**
 * The queue port. Domain code enqueues by job name; the embedded profile runs the handlers in-process
 * (embedded-queue.ts), the production profile through pg-boss (pg-boss-queue.ts). Same handlers either way.
 */
export const JOB_NAMES = [
  "forward-order",
  "pay-order",
  "cancel-order",
  "process-cj-webhook",
  "process-shopify-webhook",
  "sync-tracking",
  "poll-cj-orders",
  "reconcile-orders",
  "migrate-shopify-tokens",
  "refresh-currency-rates",
  "connect-suggestions",
  "sandbox-test-order",
  "check-cj-webhooks",
  "refresh-order-costs",
  "sync-makeup-bills",
  "cj-tasks",
] as const;

export type JobName = (typeof JOB_NAMES)[number];

/**
 * The singleton key of a job about one order. Queues are per job type, so the order's id is enough; every producer
 * (webhook intake, sweeps, polls, CJ pushes, the merchant's buttons) uses this one key, so the queue's
 * one-queued-one-active rule holds across all of them.
 */
export const orderJobKey = (orderId: string): string => `order:${orderId}`;

/** The singleton key of the job that processes one recorded CJ webhook (every producer: intake, re-drives, waits). */
export const cjWebhookJobKey = (receiptId: string): string => `cj-webhook:${receiptId}`;

/** The singleton key of the job that processes one recorded Shopify webhook (the intake, redeliveries, the sweep). */
export const shopifyWebhookJobKey = (receiptId: string): string => `shopify-webhook:${receiptId}`;

/** Sends a job about one order, under the order's one key (at most one queued and one running per job type). */
export function enqueueForOrder(
  queue: JobQueue,
  name: JobName,
  orderId: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  return queue.enqueue(name, { ...data, orderId }, { singletonKey: orderJobKey(orderId) });
}

export interface EnqueueOptions {
  /** At most one pending job with this key per job type (orderJobKey for jobs about one order). */
  singletonKey?: string;
  startAfterSeconds?: number;
}

export interface JobContext {
  jobId: string;
  name: JobName;
  attempt: number;
  /** true on the last try: the handler should leave a visible state instead of throwing. */
  lastAttempt: boolean;
  /** The singleton key the job was sent under (a job sent again for later keeps it), or null. */
  singletonKey: string | null;
}

export type JobHandler = (data: Record<string, unknown>, ctx: JobContext) => Promise<void>;

export interface JobDefinition {
  handler: JobHandler;
  /** Tries in all, including the first. */
  maxAttempts: number;
  /** Called once a job has used all its tries: record the reason where the merchant sees it. */
  onExhausted?: (data: Record<string, unknown>, error: unknown) => Promise<void>;
  /** Run every N seconds (scheduled sweeps). */
  everySeconds?: number;
  concurrency?: number;
}

export interface JobQueue {
  enqueue(name: JobName, data: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
  /** Several jobs of one type in one go (pg-boss: one statement); where absent, one enqueue each. */
  enqueueMany?(name: JobName, jobs: { data: Record<string, unknown>; options?: EnqueueOptions }[]): Promise<void>;
}

export interface JobRunner extends JobQueue {
  register(name: JobName, definition: JobDefinition): void;
  start(): Promise<void>;
  /** Stop taking jobs; finish (or release) the ones in flight. */
  stop(): Promise<void>;
  /** Resolves when nothing is queued or running (tests, demo). */
  idle(): Promise<void>;
}

/** The ids in a job's data worth logging with it (both runners log them, so a job's lines can be found by them). */
export function idsOf(data: Record<string, unknown>): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const key of ["orderId", "shopId", "shop", "receiptId"]) {
    const value = data[key];
    if (typeof value === "string" && value) ids[key] = value;
  }
  return ids;
}
