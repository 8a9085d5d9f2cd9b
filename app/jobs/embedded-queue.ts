/**
 * Jobs in-process for the embedded profile. Each job type has its own p-queue (its concurrency, like a pg-boss
 * worker's per queue), so a flood or an outage of one kind of work never takes the slots of another: CJ refusing
 * orders for minutes does not hold up tracking. A failed try does not sleep in its slot either: the retry is put back
 * on the queue after its backoff (as pg-boss does with its `retry` state), so the slot serves other jobs meanwhile.
 *
 * Nothing here is durable on purpose: every job re-derives its work from database state, and at start-up the
 * reconciliation sweep re-drives whatever a crash interrupted (docs/decisions/0008-embedded-jobs.md).
 */
import { randomUUID } from "node:crypto";
import PQueue from "p-queue";
import { logger } from "../logger.server";
import { type EnqueueOptions, idsOf, type JobDefinition, type JobName, type JobRunner } from "./queue";

export interface EmbeddedQueueOptions {
  /** Jobs of one type run at once (default: the definition's, else 2). */
  concurrency?: number;
  /** First retry delay (ms), doubled each try up to maxRetryMs (defaults 1 s and 5 min). */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/** The wait before try `attempt + 1`: exponential from minMs, capped, with up to half of it as jitter. */
export function retryDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random) {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (base / 2) * random());
}

interface PendingJob {
  name: JobName;
  data: Record<string, unknown>;
  key: string | null;
  jobId: string;
  attempt: number;
}

export function createEmbeddedQueue(options: EmbeddedQueueOptions = {}): JobRunner {
  const minRetryMs = options.minRetryMs ?? 1000;
  const maxRetryMs = options.maxRetryMs ?? 300_000;
  const definitions = new Map<JobName, JobDefinition>();
  const queues = new Map<JobName, PQueue>();
  /** Keys with a job queued or waiting for its retry (at most one per key; one more may be running). */
  const pendingKeys = new Set<string>();
  /** Retries waiting for their backoff, by key when they have one (a new enqueue of the key runs them at once). */
  const retries = new Map<PendingJob, NodeJS.Timeout>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;
  /** After stop(): nothing more is taken (before start(), jobs are queued for it). */
  let stopped = false;

  const queueOf = (name: JobName) => {
    let queue = queues.get(name);
    if (!queue) {
      const concurrency = options.concurrency ?? definitions.get(name)?.concurrency ?? 2;
      queue = new PQueue({ concurrency, autoStart: running });
      queues.set(name, queue);
    }
    return queue;
  };

  const submit = (job: PendingJob) => {
    void queueOf(job.name).add(() => attempt(job));
  };

  const attempt = async (job: PendingJob) => {
    // A turn of the event loop first. The SQLite driver runs its statements synchronously, so a job that only touches
    // the database never leaves the microtask queue, and jobs started one after another by the queue would keep the
    // loop from its I/O phase: no request of the web server in the same process would be read until the queue ran
    // dry (seconds for a thousand webhook deliveries). setImmediate runs after the pending I/O.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (job.key) pendingKeys.delete(job.key);
    const definition = definitions.get(job.name);
    if (!definition) throw new Error(`No handler registered for job ${job.name}`);
    const log = logger.child({ job: job.name, jobId: job.jobId, attempt: job.attempt, ...idsOf(job.data) });
    const lastAttempt = job.attempt >= definition.maxAttempts;
    try {
      await definition.handler(job.data, {
        jobId: job.jobId,
        name: job.name,
        attempt: job.attempt,
        lastAttempt,
        singletonKey: job.key,
      });
    } catch (error) {
      if (!lastAttempt && running) {
        const delay = retryDelayMs(job.attempt, minRetryMs, maxRetryMs);
        log.warn({ err: (error as Error).message, retryInMs: delay }, "job attempt failed");
        scheduleRetry({ ...job, attempt: job.attempt + 1 }, delay);
        return;
      }
      if (!running) {
        // Stopping: the job is left to the start-up sweep of the next process (its work is in the database).
        log.warn({ err: (error as Error).message }, "job attempt failed while stopping; left for the next start");
        return;
      }
      log.error({ err: (error as Error).message }, "job failed after its last try");
      await definition.onExhausted?.(job.data, error).catch((e) => log.error({ err: e }, "onExhausted failed"));
    }
  };

  const scheduleRetry = (job: PendingJob, delay: number) => {
    if (job.key && pendingKeys.has(job.key)) return; // a newer job of the key is queued: it does the work
    if (job.key) pendingKeys.add(job.key);
    const timer = setTimeout(() => {
      retries.delete(job);
      if (running) submit(job);
      else if (job.key) pendingKeys.delete(job.key);
    }, delay);
    retries.set(job, timer);
  };

  /** A retry of this key waiting for its backoff is run now instead (something new happened: try again at once). */
  const hurryRetry = (key: string): boolean => {
    for (const [job, timer] of retries) {
      if (job.key !== key) continue;
      clearTimeout(timer);
      retries.delete(job);
      submit(job);
      return true;
    }
    return false;
  };

  const runner: JobRunner = {
    register(name, definition) {
      definitions.set(name, definition);
    },
    async enqueue(name, data, opts: EnqueueOptions = {}) {
      // Stopping: a job sent now (by a job still finishing) is left to the next start's sweep, which re-derives it.
      if (stopped) return;
      const key = opts.singletonKey ? `${name}:${opts.singletonKey}` : null;
      if (key && pendingKeys.has(key)) {
        if (!opts.startAfterSeconds) hurryRetry(key);
        return;
      }
      if (key) pendingKeys.add(key);
      const job: PendingJob = { name, data, key, jobId: randomUUID(), attempt: 1 };
      if (opts.startAfterSeconds) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (running) submit(job);
          else if (key) pendingKeys.delete(key);
        }, opts.startAfterSeconds * 1000);
        timers.add(timer);
        return;
      }
      submit(job);
    },
    async start() {
      running = true;
      for (const queue of queues.values()) queue.start();
      for (const [name, definition] of definitions) {
        if (!definition.everySeconds) continue;
        const timer = setInterval(
          () => void runner.enqueue(name, {}, { singletonKey: "schedule" }),
          definition.everySeconds * 1000,
        );
        timer.unref();
        timers.add(timer);
      }
    },
    async stop() {
      // Take no new work: timers and retries are dropped, queued jobs cleared; the jobs in flight finish. What was
      // dropped is still in the database and is re-driven by the next process's start-up sweep.
      running = false;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const timer of retries.values()) clearTimeout(timer);
      retries.clear();
      for (const queue of queues.values()) {
        queue.pause();
        queue.clear();
      }
      pendingKeys.clear();
      await Promise.all([...queues.values()].map((queue) => queue.onIdle()));
    },
    async idle() {
      // Nothing queued, running or waiting for a retry (a retry puts a job back on its queue, so look again).
      for (;;) {
        await Promise.all([...queues.values()].map((queue) => queue.onIdle()));
        if (retries.size === 0 && [...queues.values()].every((q) => q.size === 0 && q.pending === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  return runner;
}
