import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { giveWayToIntake, recordingDelivery } from "../../../app/webhooks/intake-pressure";

/** A delivery being recorded until `release()` (the intake is busy meanwhile). */
function recordingUntilReleased() {
  let release: () => void = () => {};
  const done = recordingDelivery(() => new Promise<void>((resolve) => (release = resolve)));
  return {
    async release() {
      release();
      await done;
    },
  };
}

describe("webhook intake first (embedded profile)", () => {
  afterEach(() => {
    delete process.env.WEBHOOK_PROCESS_MAX_DELAY_MS;
    delete process.env.WEBHOOK_PROCESS_SHARE;
  });

  it("a job waits while a delivery is being recorded, and goes on once the intake is quiet", async () => {
    const recording = recordingUntilReleased();
    let done = false;
    const waiting = giveWayToIntake(Date.now()).then(() => {
      done = true;
    });
    await sleep(80);
    expect(done).toBe(false);
    await recording.release();
    await waiting;
    expect(done).toBe(true);
  });

  it("never waits longer than WEBHOOK_PROCESS_MAX_DELAY_MS after its delivery was recorded", async () => {
    process.env.WEBHOOK_PROCESS_MAX_DELAY_MS = "100";
    const recording = recordingUntilReleased();
    const started = Date.now();
    await giveWayToIntake(started);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(2000);
    await recording.release();
  });

  it("does not wait at all for a delivery recorded long ago (a retry, a sweep's re-drive)", async () => {
    await sleep(30); // the previous test's intake has gone quiet: processing has no share to wait for
    const spy = vi.fn();
    const recording = recordingUntilReleased();
    await giveWayToIntake(Date.now() - 60_000).then(spy);
    expect(spy).toHaveBeenCalledOnce();
    await recording.release();
  });

  it("past the delay, with deliveries still arriving, jobs take only their share of the time; a lull ends that", async () => {
    process.env.WEBHOOK_PROCESS_MAX_DELAY_MS = "0";
    process.env.WEBHOOK_PROCESS_SHARE = "0.25";
    const recording = recordingUntilReleased();
    const finished = await giveWayToIntake(Date.now() - 1000);
    await sleep(40); // the job's work: 40 ms, so the next may start 160 ms after this one began
    finished();
    const before = Date.now();
    const next = await giveWayToIntake(Date.now() - 1000);
    const waited = Date.now() - before;
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(1000);
    await sleep(50);
    next(); // the next share would start 200 ms after this job began
    // The intake goes quiet: the next job starts after the lull (20 ms), not after its share.
    const quiet = giveWayToIntake(Date.now() - 1000);
    await recording.release();
    const released = Date.now();
    (await quiet)();
    expect(Date.now() - released).toBeLessThan(120);
  });
});
