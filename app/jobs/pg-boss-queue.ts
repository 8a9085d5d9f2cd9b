/**
 * Jobs on pg-boss for the production profile (PostgreSQL). Web processes only send; `npm run worker` processes work
 * them, any number at once. Per job type (from the registry's definitions): a "stately" queue (at most one queued
 * and one active job per singletonKey), retries with exponential backoff, a heartbeat so that a job whose worker
 * died is retried within seconds instead of after the 15-minute expiry, and a dead-letter queue `<name>.dead`.
 *
 * A job that uses up its tries — by throwing on its last try, or because its worker died or it ran past its
 * expiry — lands in its dead-letter queue; the worker's dead-letter handler calls the definition's onExhausted with
 * the reason pg-boss kept (the last error), so the order shows why. Never silently gone. See
 * docs/decisions/0007-production-profile.md.
 */
import { type JobWithMetadata, PgBoss } from "pg-boss";
import { logger } from "../logger.server";
import { type EnqueueOptions, idsOf, JOB_NAMES, type JobDefinition, type JobName, type JobRunner } from "./queue";

export interface PgBossQueueOptions {
  /** How often (s) the supervisor looks for jobs whose heartbeat stopped (default 10). */
  superviseIntervalSeconds?: number;
  /** Heartbeat expected from a job's worker (s, ≥ 10; default 10). */
  heartbeatSeconds?: number;
  /** A job running longer than this (s) is failed and retried (default 300). */
  expireInSeconds?: number;
  /** First retry delay (s), doubled each try up to retryDelayMaxSeconds (defaults 2 and 300). */
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
  /** Grace given to in-flight jobs on stop (ms, default 20 s). */
  stopTimeoutMs?: number;
  pollingIntervalSeconds?: number;
  /** Jobs of one type run at once by one worker process (default: the definition's, else 2). */
  concurrency?: number;
}

export function pgBossOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PgBossQueueOptions {
  const num = (name: string) => (env[name] ? Number(env[name]) : undefined);
  const options: PgBossQueueOptions = {};
  const set = <K extends keyof PgBossQueueOptions>(key: K, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) options[key] = value;
  };
  set("superviseIntervalSeconds", num("JOB_SUPERVISE_SECONDS"));
  set("heartbeatSeconds", num("JOB_HEARTBEAT_SECONDS"));
  set("expireInSeconds", num("JOB_EXPIRE_SECONDS"));
  set("retryDelaySeconds", num("JOB_RETRY_DELAY_SECONDS"));
  set("retryDelayMaxSeconds", num("JOB_RETRY_DELAY_MAX_SECONDS"));
  set("stopTimeoutMs", num("JOB_STOP_TIMEOUT_MS"));
  set("pollingIntervalSeconds", num("JOB_POLLING_SECONDS"));
  set("concurrency", num("JOB_CONCURRENCY"));
  return options;
}

export interface PgBossRunner extends JobRunner {
  /** True while pg-boss is started and (worker role) its workers are registered. */
  ready(): boolean;
}

export function createPgBossQueue(
  connectionString: string,
  role: "web" | "worker",
  options: PgBossQueueOptions = {},
): PgBossRunner {
  const superviseSeconds = options.superviseIntervalSeconds ?? 10;
  const boss = new PgBoss({
    connectionString,
    schema: "pgboss",
    application_name: `cj-app-${role}`,
    // Web processes only send: the supervisor (expiry, heartbeats, retention) and the cron runner live in workers.
    supervise: role === "worker",
    schedule: role === "worker",
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
    max: role === "worker" ? 4 : 2,
  });
  boss.on("error", (error) => logger.error({ err: error.message, role }, "pg-boss error"));
  const definitions = new Map<JobName, JobDefinition>();
  const timers = new Set<NodeJS.Timeout>();
  let started: Promise<void> | null = null;
  let working = false;
  let stopping = false;

  const queueOptions = (def: JobDefinition | undefined) => ({
    retryLimit: Math.max(0, (def?.maxAttempts ?? 3) - 1),
    retryDelay: options.retryDelaySeconds ?? 2,
    retryBackoff: true,
    retryDelayMax: options.retryDelayMaxSeconds ?? 300,
    expireInSeconds: options.expireInSeconds ?? 300,
    heartbeatSeconds: Math.max(10, options.heartbeatSeconds ?? 10),
  });

  const ensureStarted = () => {
    started ??= (async () => {
      await boss.start();
      for (const name of JOB_NAMES) {
        const dead = `${name}.dead`;
        if (!(await boss.getQueue(dead))) {
          await boss
            .createQueue(dead, { policy: "standard", retryLimit: 3, retryDelay: 5, retryBackoff: true })
            .catch(ignoreExists);
        }
        const config = { ...queueOptions(definitions.get(name)), deadLetter: dead };
        if (await boss.getQueue(name)) await boss.updateQueue(name, config);
        else await boss.createQueue(name, { policy: "stately", ...config }).catch(ignoreExists);
      }
    })().catch((error) => {
      started = null;
      throw error;
    });
    return started;
  };

  const runJob = async (name: JobName, def: JobDefinition, job: JobWithMetadata<Record<string, unknown>>) => {
    const data = job.data ?? {};
    const attempt = job.retryCount + 1;
    const log = logger.child({ job: name, jobId: job.id, attempt, ...idsOf(data) });
    const started = performance.now();
    try {
      await def.handler(data, {
        jobId: job.id,
        name,
        attempt,
        lastAttempt: attempt >= def.maxAttempts,
        singletonKey: job.singletonKey ?? null,
      });
      log.debug({ ms: Math.round(performance.now() - started) }, "job done");
    } catch (error) {
      log.warn({ err: (error as Error).message, lastAttempt: attempt >= def.maxAttempts }, "job attempt failed");
      throw error;
    }
  };

  const runDeadLetter = async (name: JobName, def: JobDefinition, job: JobWithMetadata<Record<string, unknown>>) => {
    const data = job.data ?? {};
    const reason = reasonOf(job.sourceOutput);
    const log = logger.child({ job: name, jobId: job.sourceId ?? job.id, ...idsOf(data) });
    const tries = (job.sourceRetryCount ?? 0) + 1;
    // pg-boss fails a job outright, tries left or not, when it cannot be put back for retry because the stately
    // queue already holds a job of the same key waiting for its retry (one per state and key). A job of the key
    // still queued or running carries on the work: nothing is exhausted yet, and it will say so itself if it fails.
    const siblings = job.singletonKey ? await boss.findJobs(name, { key: job.singletonKey, limit: 20 }) : [];
    const carrier = siblings.find((j) => j.id !== job.sourceId && PENDING_STATES.has(j.state));
    if (carrier) {
      log.info({ reason, tries, carrier: carrier.id }, "job failed while another job of its key goes on with the work");
      return;
    }
    log.error({ reason, tries }, "job used up its tries (dead letter)");
    await def.onExhausted?.(data, new Error(reason));
  };

  return {
    register(name, definition) {
      definitions.set(name, definition);
    },
    async enqueue(name, data, opts: EnqueueOptions = {}) {
      await ensureStarted();
      const id = await boss.send(name, data, {
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      });
      logger.debug({ job: name, jobId: id, singletonKey: opts.singletonKey, ...idsOf(data) }, "job sent");
    },
    async enqueueMany(name, jobs) {
      if (jobs.length === 0) return;
      await ensureStarted();
      await boss.insert(
        name,
        jobs.map(({ data, options: opts = {} }) => ({
          data,
          ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
          ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
        })),
      );
      logger.debug({ job: name, count: jobs.length }, "jobs sent");
    },
    async start() {
      await ensureStarted();
      if (role !== "worker") return;
      for (const [name, def] of definitions) {
        await boss.work(
          name,
          {
            localConcurrency: options.concurrency ?? def.concurrency ?? 2,
            pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
            includeMetadata: true,
            batchSize: 1,
          },
          async (jobs) => {
            for (const job of jobs) await runJob(name, def, job as JobWithMetadata<Record<string, unknown>>);
          },
        );
        await boss.work(
          `${name}.dead`,
          { pollingIntervalSeconds: 2, includeMetadata: true, batchSize: 1 },
          async (jobs) => {
            for (const job of jobs) await runDeadLetter(name, def, job as JobWithMetadata<Record<string, unknown>>);
          },
        );
        if (def.everySeconds) {
          if (def.everySeconds >= 60) {
            const minutes = Math.max(1, Math.round(def.everySeconds / 60));
            await boss.schedule(name, `*/${minutes} * * * *`, {}, { singletonKey: "schedule" });
          } else {
            // Sub-minute sweeps (tests, small deployments): every worker sends; the stately queue keeps one pending.
            const timer = setInterval(() => {
              if (stopping) return;
              boss.send(name, {}, { singletonKey: "schedule" }).catch(() => {});
            }, def.everySeconds * 1000);
            timer.unref();
            timers.add(timer);
          }
        }
      }
      working = true;
      // A worker starting is often the replacement of one that died: fail the dead one's jobs (heartbeat stopped) now
      // rather than at the next supervise interval, so they are retried at once.
      void boss
        .supervise()
        .catch((error: unknown) => logger.warn({ err: (error as Error).message }, "supervise failed"));
    },
    async stop() {
      stopping = true;
      working = false;
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      // Graceful: stop fetching, wait for the jobs in flight (up to the timeout). A job still running after that
      // keeps its pg-boss row active; its heartbeat stops with the process and the supervisor retries it.
      if (started) await boss.stop({ graceful: true, timeout: options.stopTimeoutMs ?? 20_000, close: true });
    },
    async idle() {
      // pg-boss jobs run in worker processes: nothing to wait for here.
    },
    ready() {
      return !stopping && (role === "web" ? started !== null : working);
    },
  };
}

const PENDING_STATES = new Set(["created", "retry", "active"]);

function ignoreExists(error: unknown) {
  if (!/already exists/i.test((error as Error).message)) throw error;
}

/** The reason pg-boss kept for the failed job: the handler's error, or why the job was taken from its worker. */
function reasonOf(output: unknown): string {
  if (output && typeof output === "object") {
    const message = (output as { message?: unknown; value?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  if (typeof output === "string" && output) return output;
  return "the job's worker stopped or the job ran past its time limit";
}
