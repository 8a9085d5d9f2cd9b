import { afterEach, describe, expect, it } from "vitest";
import type { CjEmulator, PushPauseView, StartOptions } from "../../emulators/cj/index.js";
import {
  ACCOUNT,
  cj,
  control,
  login,
  orderBody,
  PushReceiver,
  registerWebhooks,
  startTestEmulator,
} from "./harness.js";

/**
 * cj-api-facts "Webhooks": "at ≥ 50 % failures it pauses all pushes until re-registered". The emulator looks at the
 * account's latest 20 attempts once there are at least 10 (options), holds what it would send while paused (at most
 * `pushPauseQueueLimit`, the oldest dropped), and sends it when the account calls webhook/set with ENABLE again.
 */
describe("CJ emulator: push pause after failures", () => {
  let emulator: CjEmulator;
  let receiver: PushReceiver;
  let token: string;

  async function start(options: StartOptions = {}): Promise<void> {
    emulator = await startTestEmulator({ pushRetryDelayMs: 20, ...options });
    receiver = await new PushReceiver().start();
    token = await login(emulator);
    await registerWebhooks(emulator, token, receiver.url);
  }

  /** A create-only order: exactly one push (ORDER INSERT), flushed before the next step. */
  async function createOrder(orderNumber: string): Promise<void> {
    const answer = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber, payType: 3 }),
    });
    expect(answer.json.code).toBe(200);
    await emulator.flushPushes();
  }

  const insertOf = (orderNumber: string) =>
    emulator
      .pushes({ type: "ORDER", messageType: "INSERT" })
      .find((d) => (JSON.parse(d.body) as { params: { orderNumber: string } }).params.orderNumber === orderNumber);
  /** The orderNumber each received push names (LOGISTIC: its storeOrderNumbers). */
  const receivedNumbers = () =>
    receiver.received.map((p) => p.json.params.orderNumber ?? (p.json.params.storeOrderNumbers as string[])[0]);

  afterEach(async () => {
    await emulator?.close();
    await receiver?.close();
  });

  it("pauses after the threshold, sends nothing more, and resumes (sending what was held) on webhook/set", async () => {
    await start();
    receiver.failNext = 1000;
    await createOrder("fail-1"); // 4 attempts, all failed: dropped after 3 retries, as before
    await createOrder("fail-2"); // 8 failed attempts: still fewer than 10
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({ paused: false, recentAttempts: 8, recentFailures: 8 });
    expect(insertOf("fail-1")).toMatchObject({ state: "failed", attempts: expect.any(Array) });
    expect(insertOf("fail-1")?.attempts).toHaveLength(4);
    await createOrder("fail-3"); // its 2nd attempt is the 10th failure in 10: paused, its retries held

    const paused = emulator.pushPause(ACCOUNT);
    expect(paused).toMatchObject({
      accountId: ACCOUNT,
      paused: true,
      reason: "failures",
      pausedAt: expect.any(String),
      recentAttempts: 10,
      recentFailures: 10,
      pauses: 1,
      rules: { enabled: true, window: 20, minAttempts: 10, failureRatio: 0.5, queueLimit: 100 },
    });
    const held = insertOf("fail-3");
    expect(held?.state).toBe("held");
    expect(held?.attempts).toHaveLength(2);
    expect(paused.held).toEqual([held?.messageId]);

    // The receiver is healthy again, but CJ sends nothing while the account is paused: new messages are held too.
    receiver.failNext = 0;
    const hitsBefore = receiver.hits;
    await createOrder("quiet-1");
    const created = (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "quiet-1" } }))
      .json.data as { orderId: string };
    emulator.shipOrder(created.orderId, { force: true });
    await emulator.flushPushes();
    await new Promise((resolve) => setTimeout(resolve, 100)); // well past the retry delay
    expect(receiver.hits).toBe(hitsBefore);
    expect(insertOf("quiet-1")).toMatchObject({ state: "held", attempts: [] });
    expect(emulator.pushPause(ACCOUNT).held).toHaveLength(4); // fail-3, quiet-1's INSERT, its UPDATE and LOGISTIC

    // Visible through the control API and the snapshot, never through CJ's own API.
    const viewed = await control(emulator, `/webhooks/pause?accountId=${ACCOUNT}`);
    expect(viewed.json).toMatchObject({ accountId: ACCOUNT, paused: true, reason: "failures" });
    const state = (await control(emulator, "/state")).json as { pushPauses: PushPauseView[] };
    expect(state.pushPauses).toEqual([expect.objectContaining({ accountId: ACCOUNT, paused: true })]);
    const settings = await cj(emulator, "/setting/get", { token });
    expect(settings.json.data).toMatchObject({
      callback: { orderType: "ENABLE", orderCallbackUrls: [receiver.url], logisticsType: "ENABLE" },
    });
    expect(JSON.stringify(settings.json.data)).not.toMatch(/pause/i);

    // Re-registering resumes: the window starts afresh and everything held goes out (the failed ones stay lost).
    await registerWebhooks(emulator, token, receiver.url);
    await emulator.flushPushes();
    expect(receivedNumbers().sort()).toEqual(["fail-3", "quiet-1", "quiet-1", "quiet-1"]);
    expect(receiver.of("LOGISTIC")).toHaveLength(1);
    expect(insertOf("fail-3")?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(insertOf("fail-3")?.state).toBe("delivered");
    expect(insertOf("fail-1")?.state).toBe("failed");
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({
      paused: false,
      reason: null,
      resumedAt: expect.any(String),
      held: [],
      recentAttempts: 4,
      recentFailures: 0,
    });

    // New messages flow again.
    await createOrder("after-1");
    expect(receivedNumbers()).toContain("after-1");
  });

  it("pauses at exactly 50 % of the window, not below", async () => {
    await start();
    // Four messages failing once then delivered (F,S) and two delivered at once: 4 failures in 10 attempts.
    for (const n of [1, 2, 3, 4]) {
      receiver.failNext = 1;
      await createOrder(`half-${n}`);
    }
    await createOrder("ok-1");
    await createOrder("ok-2");
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({ paused: false, recentAttempts: 10, recentFailures: 4 });
    receiver.failNext = 1;
    await createOrder("half-5"); // 12 attempts, 5 failures: 41 %
    expect(emulator.pushPause(ACCOUNT).paused).toBe(false);
    receiver.failNext = 2;
    await createOrder("half-6"); // F, F: the 2nd makes 7 failures in 14 attempts = 50 %
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({ paused: true, recentAttempts: 14, recentFailures: 7 });
    expect(insertOf("half-6")).toMatchObject({ state: "held" });
  });

  it("a receiver slower than the push timeout fails the attempt; the window and threshold are options", async () => {
    await start({ pushTimeoutMs: 100, pushPauseMinAttempts: 4 });
    receiver.delayMs = 400;
    await createOrder("slow-1"); // 4 attempts timing out: the message is dropped and, at 4 attempts, the account paused
    const delivery = insertOf("slow-1");
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts).toHaveLength(4);
    expect(delivery?.attempts.every((a) => a.status === null && a.error !== null)).toBe(true);
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({
      paused: true,
      recentAttempts: 4,
      recentFailures: 4,
      rules: { minAttempts: 4 },
    });
    expect(receiver.received).toHaveLength(0);
  });

  it("holds at most pushPauseQueueLimit messages, dropping the oldest", async () => {
    await start({ pushPauseQueueLimit: 2 });
    const forced = await control(emulator, "/webhooks/pause", { body: { accountId: ACCOUNT, paused: true } });
    expect(forced.json).toMatchObject({ accountId: ACCOUNT, paused: true, reason: "control" });
    await createOrder("q-1");
    await createOrder("q-2");
    await createOrder("q-3");
    expect(insertOf("q-1")?.state).toBe("dropped");
    expect(insertOf("q-2")?.state).toBe("held");
    expect(insertOf("q-3")?.state).toBe("held");
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({
      dropped: 1,
      held: [insertOf("q-2")?.messageId, insertOf("q-3")?.messageId],
    });
    expect(receiver.hits).toBe(0);

    // Lifting the pause through the control API works like a re-registration.
    const lifted = await control(emulator, "/webhooks/pause", { body: { accountId: ACCOUNT, paused: false } });
    expect(lifted.json).toMatchObject({ paused: false, held: [] });
    await emulator.flushPushes();
    expect(receivedNumbers()).toEqual(["q-2", "q-3"]);
    expect(insertOf("q-1")?.state).toBe("dropped");
  });

  it("webhook/set with CANCEL only does not resume; a held message whose topic is now CANCEL is not sent", async () => {
    await start();
    emulator.setPushPaused(ACCOUNT, true);
    await createOrder("c-1");
    await cj(emulator, "/webhook/set", { token, body: { order: { type: "CANCEL", callbackUrls: [] } } });
    expect(emulator.pushPause(ACCOUNT).paused).toBe(true);
    // ENABLE for logistics only: the account resumes; the held ORDER message has no order callback any more.
    const answer = await cj(emulator, "/webhook/set", {
      token,
      body: { logistics: { type: "ENABLE", callbackUrls: [receiver.url] } },
    });
    expect(answer.json.code).toBe(200);
    await emulator.flushPushes();
    expect(emulator.pushPause(ACCOUNT).paused).toBe(false);
    expect(insertOf("c-1")?.state).toBe("no-callback");
    expect(receiver.hits).toBe(0);
  });

  it("pushPause: false never pauses, though the outcomes are still counted", async () => {
    await start({ pushPause: false });
    receiver.failNext = 1000;
    for (const n of [1, 2, 3]) await createOrder(`np-${n}`);
    expect(emulator.pushPause(ACCOUNT)).toMatchObject({
      paused: false,
      recentAttempts: 12,
      recentFailures: 12,
      rules: { enabled: false },
    });
    expect(emulator.pushes({ type: "ORDER" }).map((d) => d.state)).toEqual(["failed", "failed", "failed"]);
  });

  it("control: unknown accounts and a missing paused flag answer 400", async () => {
    await start();
    expect((await control(emulator, "/webhooks/pause?accountId=nobody")).status).toBe(400);
    expect((await control(emulator, "/webhooks/pause", { body: { accountId: ACCOUNT } })).status).toBe(400);
    const all = await control(emulator, "/webhooks/pause");
    expect(all.json).toEqual([expect.objectContaining({ accountId: ACCOUNT, paused: false })]);
  });
});
