/**
 * Webhook intake first. On the embedded profile the jobs run in the web process, so a delivery's processing competes
 * with the next deliveries for the one event loop and the one SQLite connection. While deliveries keep arriving, their
 * processing gives way: a `process-shopify-webhook` job waits for a lull (no delivery being recorded for QUIET_MS) or
 * until its delivery has waited WEBHOOK_PROCESS_MAX_DELAY_MS (5 s), whichever comes first. Past that delay, with
 * deliveries still arriving, processing takes a share of the process's time (WEBHOOK_PROCESS_SHARE, 15 %): after a
 * job that took t ms the next one starts no sooner than t / share ms after it began, so a stream that never pauses is
 * still answered at most of its speed and its backlog is still worked off, faster again at the first lull. Nothing
 * is at risk while a job waits: the delivery is recorded with its payload before it is answered. A process that
 * records no webhooks (a pg-boss worker) never waits.
 */
import { setTimeout as sleep } from "node:timers/promises";

const QUIET_MS = 20;
const maxDelayMs = () => Number(process.env.WEBHOOK_PROCESS_MAX_DELAY_MS ?? 5000);
const share = () => {
  const value = Number(process.env.WEBHOOK_PROCESS_SHARE ?? 0.15);
  return value > 0 && value <= 1 ? value : 0.15;
};

const intake = { recording: 0, lastAt: 0 };
/** When the next job may start while the intake is busy (from the last job's start and duration). */
const processing = { nextAt: 0 };

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

/**
 * Resolves once this process's webhook intake is quiet, or once a delivery recorded at `recordedAt` has waited enough
 * and processing has its share; gives back `finished`, to be called when the job's work is done (it sets the share).
 */
export async function giveWayToIntake(recordedAt: number, now: () => number = Date.now): Promise<() => void> {
  const busy = () => intake.recording > 0 || now() - intake.lastAt < QUIET_MS;
  const until = recordedAt + maxDelayMs();
  while (now() < until && busy()) {
    await sleep(Math.min(QUIET_MS, Math.max(1, until - now())));
  }
  while (busy() && now() < processing.nextAt) {
    await sleep(Math.min(QUIET_MS, Math.max(1, processing.nextAt - now())));
  }
  const startedAt = now();
  return () => {
    processing.nextAt = startedAt + (now() - startedAt) / share();
  };
}
