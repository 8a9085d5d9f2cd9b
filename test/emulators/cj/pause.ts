import { cjIsoDate } from "./clock.js";
import type { EmulatorState, PushDelivery, PushPause } from "./state.js";

/**
 * CJ's push pause (cj-api-facts "Webhooks": "at ≥ 50 % failures it pauses all pushes until re-registered"), per
 * account. Every delivery attempt counts: it fails when the receiver does not answer HTTP 200 within the timeout
 * (a network error, a timeout or any other status). Once the account's latest `window` attempts number at least
 * `minAttempts` and the failed share reaches `failureRatio`, its pushes are paused: nothing more is sent, retries
 * and new messages are held (at most `queueLimit`, the oldest dropped beyond it), until `POST /webhook/set` with
 * ENABLE (or ALL) for a topic resumes them, empties the window and sends what is held.
 */
export interface PauseOptions {
  enabled: boolean;
  window: number;
  minAttempts: number;
  failureRatio: number;
  queueLimit: number;
}

export function pauseOf(state: EmulatorState, accountId: string): PushPause {
  let pause = state.pushPauses.get(accountId);
  if (!pause) {
    pause = {
      accountId,
      recent: [],
      paused: false,
      reason: null,
      pausedAt: null,
      resumedAt: null,
      held: [],
      dropped: 0,
      pauses: 0,
    };
    state.pushPauses.set(accountId, pause);
  }
  return pause;
}

export function isPaused(state: EmulatorState, accountId: string): boolean {
  return state.pushPauses.get(accountId)?.paused === true;
}

function failedShare(pause: PushPause): number {
  return pause.recent.length === 0 ? 0 : pause.recent.filter(Boolean).length / pause.recent.length;
}

/** Record one attempt's outcome; true when it made the account pause. */
export function recordOutcome(
  state: EmulatorState,
  options: PauseOptions,
  now: number,
  accountId: string,
  failed: boolean,
): boolean {
  const pause = pauseOf(state, accountId);
  pause.recent.push(failed);
  while (pause.recent.length > Math.max(1, options.window)) pause.recent.shift();
  if (!options.enabled || pause.paused || pause.recent.length < options.minAttempts) return false;
  if (failedShare(pause) < options.failureRatio) return false;
  markPaused(pause, "failures", now);
  return true;
}

export function markPaused(pause: PushPause, reason: "failures" | "control", now: number): void {
  pause.paused = true;
  pause.reason = reason;
  pause.pausedAt = cjIsoDate(now);
  pause.pauses++;
}

/** Hold a delivery of a paused account; answers the delivery dropped to stay within the queue limit, if any. */
export function holdDelivery(state: EmulatorState, options: PauseOptions, delivery: PushDelivery): PushDelivery[] {
  const pause = pauseOf(state, delivery.accountId);
  delivery.state = "held";
  if (!pause.held.includes(delivery.messageId)) pause.held.push(delivery.messageId);
  const dropped: PushDelivery[] = [];
  while (pause.held.length > Math.max(0, options.queueLimit)) {
    const oldest = pause.held.shift();
    const gone = state.deliveries.find((d) => d.accountId === delivery.accountId && d.messageId === oldest);
    if (gone) {
      gone.state = "dropped";
      dropped.push(gone);
    }
    pause.dropped++;
  }
  return dropped;
}

/** Lift the pause (re-registration or control): empties the window; answers the held deliveries, oldest first. */
export function liftPause(state: EmulatorState, accountId: string, now: number): PushDelivery[] {
  const pause = pauseOf(state, accountId);
  const wasPaused = pause.paused;
  pause.recent = [];
  pause.paused = false;
  pause.reason = null;
  if (wasPaused) pause.resumedAt = cjIsoDate(now);
  const held = pause.held.flatMap((id) =>
    state.deliveries.filter((d) => d.accountId === accountId && d.messageId === id && d.state === "held"),
  );
  pause.held = [];
  return held;
}

/** `GET /__emulator/webhooks/pause` and the snapshot's `pushPauses`. */
export interface PushPauseView {
  accountId: string;
  paused: boolean;
  reason: "failures" | "control" | null;
  pausedAt: string | null;
  resumedAt: string | null;
  /** messageIds held, oldest first. */
  held: string[];
  dropped: number;
  pauses: number;
  recentAttempts: number;
  recentFailures: number;
  rules: { enabled: boolean; window: number; minAttempts: number; failureRatio: number; queueLimit: number };
}

export function pushPauseView(state: EmulatorState, options: PauseOptions, accountId: string): PushPauseView {
  const pause = state.pushPauses.get(accountId);
  return {
    accountId,
    paused: pause?.paused ?? false,
    reason: pause?.reason ?? null,
    pausedAt: pause?.pausedAt ?? null,
    resumedAt: pause?.resumedAt ?? null,
    held: [...(pause?.held ?? [])],
    dropped: pause?.dropped ?? 0,
    pauses: pause?.pauses ?? 0,
    recentAttempts: pause?.recent.length ?? 0,
    recentFailures: pause?.recent.filter(Boolean).length ?? 0,
    rules: { ...options },
  };
}
