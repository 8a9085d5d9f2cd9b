/**
 * Webhook intake first. On the embedded profile the jobs run in the web process, so a delivery's processing competes
 * with the next deliveries for the one event loop and the one SQLite connection. While deliveries keep arriving, their
 * processing gives way: a `process-shopify-webhook` job waits for a lull (no delivery being recorded for QUIET_MS) or
 * until its delivery has waited WEBHOOK_PROCESS_MAX_DELAY_MS (5 s), whichever comes first. Nothing is at risk while it
 * waits: the delivery is recorded with its payload before it is answered. A process that records no webhooks (a
 * pg-boss worker) never waits.
 */
import { setTimeout as sleep } from "node:timers/promises";

const QUIET_MS = 20;
const maxDelayMs = () => Number(process.env.WEBHOOK_PROCESS_MAX_DELAY_MS ?? 5000);

const intake = { recording: 0, lastAt: 0 };

/** Wraps the recording of one delivery (the intake's write and enqueue). */
export async function recordingDelivery<T>(record: () => Promise<T>): Promise<T> {
  intake.recording++;
  intake.lastAt = Date.now();
  try {
    return await record();
  } finally {
    intake.recording--;
    intake.lastAt = Date.now();
  }
}

/** Resolves once this process's webhook intake is quiet, or once a delivery recorded at `recordedAt` has waited enough. */
export async function giveWayToIntake(recordedAt: number, now: () => number = Date.now): Promise<void> {
  const until = recordedAt + maxDelayMs();
  while (now() < until && (intake.recording > 0 || now() - intake.lastAt < QUIET_MS)) {
    await sleep(Math.min(QUIET_MS, Math.max(1, until - now())));
  }
}
