/**
 * Jobs on pg-boss for the production profile (PostgreSQL). Web processes only send; `npm run worker` processes work
 * them. Retries with exponential backoff and dead-letter queues come from pg-boss, per job type; a job that uses up
 * its tries calls its definition's onExhausted first, so the order shows why (never silently gone).
 */
import { PgBoss } from "pg-boss";
import { logger } from "../logger.server";
import { type EnqueueOptions, JOB_NAMES, type JobDefinition, type JobName, type JobRunner } from "./queue";

export function createPgBossQueue(connectionString: string, role: "web" | "worker"): JobRunner {
  const boss = new PgBoss({ connectionString, schema: "pgboss" });
  boss.on("error", (error) => logger.error({ err: error.message }, "pg-boss error"));
  const definitions = new Map<JobName, JobDefinition>();
  let started: Promise<void> | null = null;

  const ensureStarted = () => {
    started ??= (async () => {
      await boss.start();
      for (const name of JOB_NAMES) {
        const def = definitions.get(name);
        await boss.createQueue(`${name}.dead`, { policy: "standard" }).catch(() => {});
        await boss
          .createQueue(name, {
            // "stately": at most one queued and one active job per singletonKey (e.g. one forward per order).
            policy: "stately",
            retryLimit: Math.max(0, (def?.maxAttempts ?? 3) - 1),
            retryDelay: 2,
            retryBackoff: true,
            retryDelayMax: 300,
            deadLetter: `${name}.dead`,
          })
          .catch(() => {});
      }
    })();
    return started;
  };

  return {
    register(name, definition) {
      definitions.set(name, definition);
    },
    async enqueue(name, data, opts: EnqueueOptions = {}) {
      await ensureStarted();
      await boss.send(name, data, {
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      });
    },
    async start() {
      await ensureStarted();
      if (role !== "worker") return;
      for (const [name, def] of definitions) {
        await boss.work<Record<string, unknown>>(
          name,
          { localConcurrency: def.concurrency ?? 2, pollingIntervalSeconds: 0.5 },
          async (jobs) => {
            for (const job of jobs) {
              const attempt = job.retryCount + 1;
              const lastAttempt = attempt >= def.maxAttempts;
              try {
                await def.handler(job.data ?? {}, { jobId: job.id, name, attempt, lastAttempt });
              } catch (error) {
                if (lastAttempt) await def.onExhausted?.(job.data ?? {}, error).catch(() => {});
                throw error;
              }
            }
          },
        );
        if (def.everySeconds) {
          const minutes = Math.max(1, Math.round(def.everySeconds / 60));
          await boss.schedule(name, `*/${minutes} * * * *`, {}, { singletonKey: "schedule" });
        }
      }
    },
    async stop() {
      if (started) await boss.stop({ graceful: true, timeout: 20_000 });
    },
    async idle() {
      // pg-boss jobs run in other processes: nothing to wait for here.
    },
  };
}
