import { afterEach, describe, expect, it, vi } from "vitest";
import { giveWayToIntake, recordingDelivery } from "../../../app/webhooks/intake-pressure";

describe("webhook intake first (embedded profile)", () => {
  afterEach(() => {
    delete process.env.WEBHOOK_PROCESS_MAX_DELAY_MS;
  });

  it("a job waits while a delivery is being recorded, and goes on once the intake is quiet", async () => {
    let release: () => void = () => {};
    const recording = recordingDelivery(() => new Promise<void>((resolve) => (release = resolve)));
    let done = false;
    const waiting = giveWayToIntake(Date.now()).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 80));
    expect(done).toBe(false);
    release();
    await recording;
    await waiting;
    expect(done).toBe(true);
  });

  it("never waits longer than WEBHOOK_PROCESS_MAX_DELAY_MS after its delivery was recorded", async () => {
    process.env.WEBHOOK_PROCESS_MAX_DELAY_MS = "100";
    const never = recordingDelivery(() => new Promise<void>(() => {}));
    const started = Date.now();
    await giveWayToIntake(started);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(2000);
    void never;
  });

  it("does not wait at all for a delivery recorded long ago (a retry, a sweep's re-drive)", async () => {
    const spy = vi.fn();
    const hold = recordingDelivery(() => new Promise<void>(() => {}));
    await giveWayToIntake(Date.now() - 60_000).then(spy);
    expect(spy).toHaveBeenCalledOnce();
    void hold;
  });
});
