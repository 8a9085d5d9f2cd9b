import { createHmac } from "node:crypto";
import { cjIsoDate, type EmulatorClock } from "./clock.js";
import { CjFailure, failure } from "./envelope.js";
import { oddShapesFor } from "./odd-shapes.js";
import {
  holdDelivery,
  isPaused,
  liftPause,
  markPaused,
  type PauseOptions,
  type PushPauseView,
  pauseOf,
  pushPauseView,
  recordOutcome,
} from "./pause.js";
import type { Account, EmulatorState, PushDelivery, WebhookTopic, WebhookTopicConfig } from "./state.js";
import { isRecord } from "./validation.js";

/** `sign` header: Base64(HMAC-SHA256(key = String(openId), message = raw body bytes)) — cj-api-facts.md. */
export function signWebhookBody(openId: number | string, rawBody: string | Buffer): string {
  return createHmac("sha256", String(openId)).update(rawBody).digest("base64");
}

export interface WebhookMessage {
  type: "ORDER" | "LOGISTIC" | "ORDERSPLIT";
  messageType: string;
  params: Record<string, unknown>;
}

const TOPIC_OF: Record<WebhookMessage["type"], WebhookTopic> = {
  ORDER: "order",
  LOGISTIC: "logistics",
  ORDERSPLIT: "order",
};

export interface PusherOptions {
  retryDelayMs: number;
  maxRetries: number;
  timeoutMs: number;
  /** The ≥ 50 %-failure pause (pause.ts). */
  pause: PauseOptions;
}

function callbackUrl(state: EmulatorState, accountId: string, topic: WebhookTopic): string | null {
  const config = state.webhooks.get(accountId)?.[topic];
  return config && config.type !== "CANCEL" ? (config.callbackUrls[0] ?? null) : null;
}

/**
 * Delivers CJ webhook messages: POST JSON, success = HTTP 200 within the timeout (the body is not read); otherwise
 * retried after `retryDelayMs`, at most `maxRetries` times, then dropped (CJ: 5 min, 3 times). Every attempt is
 * recorded and counts towards the account's pause (pause.ts): a paused account's retries and new messages are held
 * until it re-registers.
 */
export class WebhookPusher {
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries waiting for a retry, with their timer. */
  private readonly timers = new Map<PushDelivery, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: EmulatorClock,
    private readonly options: PusherOptions,
    private readonly newMessageId: () => string,
  ) {}

  push(account: Account, message: WebhookMessage): PushDelivery {
    const topic = TOPIC_OF[message.type];
    const hex = this.newMessageId();
    // Odd shapes: a numeric messageId (52 bits of the same random id, so it stays a safe JSON integer).
    const messageId: string | number = oddShapesFor(this.state, account.id)
      ? Number.parseInt(hex.slice(0, 13), 16)
      : hex;
    const envelope = {
      messageId,
      type: message.type,
      messageType: message.messageType,
      openId: account.openId,
      params: message.params,
    };
    const body = JSON.stringify(envelope);
    const url = callbackUrl(this.state, account.id, topic);
    const delivery: PushDelivery = {
      messageId: String(envelope.messageId),
      accountId: account.id,
      topic,
      type: message.type,
      messageType: message.messageType,
      url,
      body,
      sign: signWebhookBody(account.openId, body),
      attempts: [],
      state: url === null ? "no-callback" : this.state.pushesEnabled ? "pending" : "suppressed",
    };
    this.state.deliveries.push(delivery);
    if (delivery.state === "pending") {
      if (isPaused(this.state, account.id)) holdDelivery(this.state, this.options.pause, delivery);
      else this.attempt(delivery);
    }
    return delivery;
  }

  private attempt(delivery: PushDelivery): void {
    const run = this.send(delivery).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async send(delivery: PushDelivery): Promise<void> {
    if (this.closed || delivery.url === null) return;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const answer = await fetch(delivery.url, {
        method: "POST",
        headers: { "content-type": "application/json", sign: delivery.sign },
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = answer.status;
      await answer.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    delivery.attempts.push({ at: cjIsoDate(this.clock.now()), status, error });
    if (this.closed) {
      delivery.state = status === 200 ? "delivered" : "failed";
      return;
    }
    const failed = status !== 200;
    if (recordOutcome(this.state, this.options.pause, this.clock.now(), delivery.accountId, failed)) {
      this.holdRetries(delivery.accountId);
    }
    if (!failed) {
      delivery.state = "delivered";
      return;
    }
    if (delivery.attempts.length > this.options.maxRetries) {
      delivery.state = "failed";
      return;
    }
    if (isPaused(this.state, delivery.accountId)) {
      holdDelivery(this.state, this.options.pause, delivery);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(delivery);
      if (isPaused(this.state, delivery.accountId)) holdDelivery(this.state, this.options.pause, delivery);
      else this.attempt(delivery);
    }, this.options.retryDelayMs);
    this.timers.set(delivery, timer);
  }

  /** A paused account's deliveries waiting for a retry are held (their timers cancelled). */
  private holdRetries(accountId: string): void {
    for (const [delivery, timer] of this.timers) {
      if (delivery.accountId !== accountId) continue;
      clearTimeout(timer);
      this.timers.delete(delivery);
      holdDelivery(this.state, this.options.pause, delivery);
    }
  }

  /** Pause an account's pushes now (control API), as ≥ 50 % failures would. */
  pause(accountId: string): void {
    const pause = pauseOf(this.state, accountId);
    if (pause.paused) return;
    markPaused(pause, "control", this.clock.now());
    this.holdRetries(accountId);
  }

  /**
   * Re-registration (`webhook/set` with ENABLE/ALL) or the control API: the window starts afresh and every held
   * delivery is sent to the URL now registered for its topic ("no-callback" when there is none).
   */
  resume(accountId: string): void {
    for (const delivery of liftPause(this.state, accountId, this.clock.now())) {
      delivery.url = callbackUrl(this.state, accountId, delivery.topic);
      if (delivery.url === null) {
        delivery.state = "no-callback";
      } else if (!this.state.pushesEnabled) {
        delivery.state = "suppressed";
      } else {
        delivery.state = "pending";
        this.attempt(delivery);
      }
    }
  }

  pauseView(accountId: string): PushPauseView {
    return pushPauseView(this.state, this.options.pause, accountId);
  }

  /** Resolves once no delivery is in flight or waiting for a retry (held deliveries wait for a resume). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryDelayMs, 50)));
    }
  }

  /** Forget waiting retries (emulator reset: their deliveries are gone from the state). */
  reset(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }
}

const TOPICS: readonly WebhookTopic[] = ["product", "stock", "order", "logistics"];

/**
 * `POST /webhook/set`: one entry per topic, `{type: ENABLE|ALL|CANCEL, callbackUrls: [..]}`. Answers the entries
 * this call set.
 */
export function applyWebhookSettings(
  state: EmulatorState,
  accountId: string,
  body: unknown,
  requireHttps: boolean,
): Partial<Record<WebhookTopic, WebhookTopicConfig>> {
  if (!isRecord(body)) throw failure(1600100);
  const current = state.webhooks.get(accountId) ?? {};
  const next: Partial<Record<WebhookTopic, WebhookTopicConfig>> = { ...current };
  const applied: Partial<Record<WebhookTopic, WebhookTopicConfig>> = {};
  for (const topic of TOPICS) {
    const entry = body[topic];
    if (entry === undefined || entry === null) continue;
    if (!isRecord(entry) || typeof entry.type !== "string") throw failure(1600100);
    const type = entry.type.toUpperCase();
    if (!["ENABLE", "ALL", "CANCEL"].includes(type)) throw failure(1600100);
    const urls = Array.isArray(entry.callbackUrls) ? entry.callbackUrls.filter((u) => typeof u === "string") : [];
    if (type !== "CANCEL") {
      if (urls.length === 0) throw new CjFailure(1606001, "callback url is empty");
      for (const url of urls) {
        if (!/^https?:\/\//.test(url) || (requireHttps && !url.startsWith("https://"))) throw failure(1600100);
      }
    }
    next[topic] = { type, callbackUrls: urls.map(String) };
    applied[topic] = next[topic];
  }
  if (Object.keys(applied).length === 0) throw failure(1600100);
  state.webhooks.set(accountId, next);
  return applied;
}

/** Does this `webhook/set` re-register a topic (ENABLE or ALL), which lifts a push pause? */
export function reRegisters(applied: Partial<Record<WebhookTopic, WebhookTopicConfig>>): boolean {
  return Object.values(applied).some((config) => config.type !== "CANCEL");
}
