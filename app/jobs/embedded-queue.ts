/**
 * Jobs in-process for the embedded profile: p-queue runs them with bounded concurrency, p-retry gives each its tries
 * with backoff, timers run the scheduled sweeps. Nothing here is durable on purpose: every job re-derives its work
 * from database state, and the reconciliation sweep re-enqueues whatever a crash interrupted.
 */
import { randomUUID } from "node:crypto";
import PQueue from "p-queue";
import pRetry from "p-retry";
import { logger } from "../logger.server";
import type { EnqueueOptions, JobDefinition, JobName, JobRunner } from "./queue";

export function createEmbeddedQueue(options: { concurrency?: number; minRetryMs?: number } = {}): JobRunner {
  const queue = new PQueue({ concurrency: options.concurrency ?? 4, autoStart: false });
  const definitions = new Map<JobName, JobDefinition>();
  const pendingKeys = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;

  const run = async (name: JobName, data: Record<string, unknown>) => {
    const definition = definitions.get(name);
    if (!definition) throw new Error(`No handler registered for job ${name}`);
    const jobId = randomUUID();
    const log = logger.child({ job: name, jobId });
    try {
      await pRetry(
        (attempt) => definition.handler(data, { jobId, name, attempt, lastAttempt: attempt >= definition.maxAttempts }),
        {
          retries: definition.maxAttempts - 1,
          minTimeout: options.minRetryMs ?? 1000,
          factor: 2,
          onFailedAttempt: ({ error, attemptNumber }) => {
            log.warn({ attempt: attemptNumber, err: error.message }, "job attempt failed");
          },
          shouldRetry: () => running,
        },
      );
    } catch (error) {
      log.error({ err: (error as Error).message }, "job failed after its last try");
      await definition.onExhausted?.(data, error).catch((e) => log.error({ err: e }, "onExhausted failed"));
    }
  };

  const runner: JobRunner = {
    register(name, definition) {
      definitions.set(name, definition);
    },
    async enqueue(name, data, opts: EnqueueOptions = {}) {
      const key = opts.singletonKey ? `${name}:${opts.singletonKey}` : null;
      if (key && pendingKeys.has(key)) return;
      if (key) pendingKeys.add(key);
      const start = () => {
        if (key) pendingKeys.delete(key);
        return run(name, data);
      };
      if (opts.startAfterSeconds) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (running) void queue.add(start);
          else if (key) pendingKeys.delete(key);
        }, opts.startAfterSeconds * 1000);
        timers.add(timer);
        return;
      }
      void queue.add(start);
    },
    async start() {
      running = true;
      queue.start();
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
      running = false;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queue.pause();
      queue.clear();
      await queue.onIdle();
    },
    async idle() {
      await queue.onIdle();
    },
  };
  return runner;
}
