import { afterEach, describe, expect, it } from "vitest";
import { createEmbeddedQueue, retryDelayMs } from "../../../app/jobs/embedded-queue";
import type { JobRunner } from "../../../app/jobs/queue";

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe("embedded job queue", () => {
  let runner: JobRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it("a failed try waiting for its backoff does not hold the slot: the next job of its type runs meanwhile", async () => {
    runner = createEmbeddedQueue({ concurrency: 1, minRetryMs: 60_000 });
    const calls: string[] = [];
    runner.register("forward-order", {
      maxAttempts: 5,
      handler: async (data, ctx) => {
        calls.push(`${data.orderId}#${ctx.attempt}`);
        if (data.orderId === "failing") throw new Error("CJ is down");
      },
    });
    await runner.start();
    await runner.enqueue("forward-order", { orderId: "failing" });
    await runner.enqueue("forward-order", { orderId: "healthy" });
    await settle();
    expect(calls).toEqual(["failing#1", "healthy#1"]);
  });

  it("jobs that never wait for I/O still let the event loop read its sockets between them", async () => {
    // A job on the SQLite driver resolves every statement without leaving the microtask queue; a queue that starts the
    // next one at once would hold a web request of the same process until the whole queue ran dry.
    runner = createEmbeddedQueue({ concurrency: 1 });
    let done = 0;
    runner.register("process-shopify-webhook", {
      maxAttempts: 1,
      handler: async () => {
        for (let i = 0; i < 5; i++) await Promise.resolve();
        done++;
      },
    });
    await runner.start();
    for (let i = 0; i < 200; i++) await runner.enqueue("process-shopify-webhook", { receiptId: `r${i}` });
    // What a request arriving now would wait for: the next I/O phase of the loop.
    const doneAtNextIo = await new Promise<number>((resolve) => setImmediate(() => resolve(done)));
    await runner.idle();
    expect(done).toBe(200);
    expect(doneAtNextIo).toBeLessThan(5);
  });

  it("one job type busy or failing never takes the slots of another", async () => {
    runner = createEmbeddedQueue({ concurrency: 1 });
    const stuck = deferred();
    const done: string[] = [];
    runner.register("forward-order", {
      maxAttempts: 1,
      handler: async () => {
        await stuck.promise;
        done.push("forward");
      },
    });
    runner.register("sync-tracking", {
      maxAttempts: 1,
      handler: async (data) => {
        done.push(`sync ${data.orderId}`);
      },
    });
    await runner.start();
    await runner.enqueue("forward-order", { orderId: "a" });
    await runner.enqueue("forward-order", { orderId: "b" });
    await runner.enqueue("sync-tracking", { orderId: "c" });
    await settle();
    expect(done).toEqual(["sync c"]);
    stuck.release();
    await runner.idle();
    expect(done).toEqual(["sync c", "forward", "forward"]);
  });

  it("retries with backoff until the last try, then calls onExhausted once with the last error", async () => {
    runner = createEmbeddedQueue({ minRetryMs: 5, maxRetryMs: 20 });
    const attempts: { attempt: number; lastAttempt: boolean }[] = [];
    const exhausted: string[] = [];
    runner.register("pay-order", {
      maxAttempts: 3,
      handler: async (_data, ctx) => {
        attempts.push({ attempt: ctx.attempt, lastAttempt: ctx.lastAttempt });
        throw new Error(`try ${ctx.attempt} failed`);
      },
      onExhausted: async (data, error) => {
        exhausted.push(`${data.orderId}: ${(error as Error).message}`);
      },
    });
    await runner.start();
    await runner.enqueue("pay-order", { orderId: "o1" });
    await runner.idle();
    expect(attempts).toEqual([
      { attempt: 1, lastAttempt: false },
      { attempt: 2, lastAttempt: false },
      { attempt: 3, lastAttempt: true },
    ]);
    expect(exhausted).toEqual(["o1: try 3 failed"]);
  });

  it("a new job for a key whose retry is waiting runs that retry at once (no second job, no waiting out the backoff)", async () => {
    runner = createEmbeddedQueue({ minRetryMs: 60_000 });
    const calls: number[] = [];
    runner.register("sync-tracking", {
      maxAttempts: 5,
      handler: async (_data, ctx) => {
        calls.push(ctx.attempt);
        if (ctx.attempt === 1) throw new Error("Shopify 503");
      },
    });
    await runner.start();
    await runner.enqueue("sync-tracking", { orderId: "o1" }, { singletonKey: "order:o1" });
    await settle();
    expect(calls).toEqual([1]);
    await runner.enqueue("sync-tracking", { orderId: "o1" }, { singletonKey: "order:o1" });
    await runner.idle();
    expect(calls).toEqual([1, 2]);
  });

  it("stop: the job in flight finishes, queued jobs and waiting retries are dropped (the start-up sweep re-drives them)", async () => {
    runner = createEmbeddedQueue({ concurrency: 1, minRetryMs: 60_000 });
    const inFlight = deferred();
    const done: string[] = [];
    runner.register("forward-order", {
      maxAttempts: 3,
      handler: async (data) => {
        if (data.orderId === "slow") await inFlight.promise;
        if (data.orderId === "failing") throw new Error("down");
        done.push(String(data.orderId));
      },
    });
    runner.register("sync-tracking", {
      maxAttempts: 3,
      handler: async (data) => {
        if (data.orderId === "failing") throw new Error("down");
      },
    });
    await runner.start();
    await runner.enqueue("sync-tracking", { orderId: "failing" });
    await runner.enqueue("forward-order", { orderId: "slow" });
    await runner.enqueue("forward-order", { orderId: "queued" });
    await settle();
    const stopped = runner.stop();
    inFlight.release();
    await stopped;
    expect(done).toEqual(["slow"]);
    // A job sent after the stop (by a job that was still finishing) is not taken either.
    await runner.enqueue("forward-order", { orderId: "late" });
    await runner.idle();
    expect(done).toEqual(["slow"]);
  });

  it("backoff doubles from the minimum up to the cap, with at most half of it as jitter", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs(2, 1000, 5000, () => 0)).toBe(1000);
  });
});
