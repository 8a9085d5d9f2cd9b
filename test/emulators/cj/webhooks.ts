import { createHmac } from "node:crypto";
import { cjIsoDate, type EmulatorClock } from "./clock.js";
import { CjFailure, failure } from "./envelope.js";
import { oddShapesFor } from "./odd-shapes.js";
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
}

/**
 * Delivers CJ webhook messages: POST JSON, success = HTTP 200 within the timeout; otherwise retried after
 * `retryDelayMs`, at most `maxRetries` times, then dropped (CJ: 5 min, 3 times). Every attempt is recorded.
 */
export class WebhookPusher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
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
    const config = this.state.webhooks.get(account.id)?.[topic];
    const url = config && config.type !== "CANCEL" ? (config.callbackUrls[0] ?? null) : null;
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
    if (delivery.state === "pending") this.attempt(delivery);
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
    if (status === 200) {
      delivery.state = "delivered";
      return;
    }
    if (delivery.attempts.length > this.options.maxRetries || this.closed) {
      delivery.state = "failed";
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(delivery);
    }, this.options.retryDelayMs);
    this.timers.add(timer);
  }

  /** Resolves once no delivery is in flight or waiting for a retry. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryDelayMs, 50)));
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

const TOPICS: readonly WebhookTopic[] = ["product", "stock", "order", "logistics"];

/** `POST /webhook/set`: one entry per topic, `{type: ENABLE|ALL|CANCEL, callbackUrls: [..]}`. */
export function applyWebhookSettings(
  state: EmulatorState,
  accountId: string,
  body: unknown,
  requireHttps: boolean,
): void {
  if (!isRecord(body)) throw failure(1600100);
  const current = state.webhooks.get(accountId) ?? {};
  const next: Partial<Record<WebhookTopic, WebhookTopicConfig>> = { ...current };
  let any = false;
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
    any = true;
  }
  if (!any) throw failure(1600100);
  state.webhooks.set(accountId, next);
}
