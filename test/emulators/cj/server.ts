import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, headerToken, peekAccount } from "./auth.js";
import { cjIsoDate } from "./clock.js";
import type { ApiRequest, EmulatorContext } from "./context.js";
import { CjFailure, errorEnvelope, failure, successEnvelope } from "./envelope.js";
import type { FaultDecision } from "./faults.js";
import type { SlidingWindowLimiter } from "./limits.js";
import { chargeCall, HttpCjFailure } from "./quotas.js";
import { findRoute } from "./routes.js";
import type { RecordedRequest } from "./state.js";

export const API_PREFIX = "/api2.0/v1";

const BAD_JSON = "The request parameter is not in a correct JSON format";

/** Sockets held open by `hang` faults, released on close. */
export class HangRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();

  hold(res: ServerResponse, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      res.socket?.destroy();
    }, ms);
    this.timers.add(timer);
    res.on("close", () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  releaseAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart/form-data (files become `{name, size, type}`) as uploadWaybillInfo needs. */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; malformed: boolean }> {
  if (raw.length === 0) return { body: undefined, malformed: false };
  if (contentType.startsWith("multipart/form-data")) {
    try {
      const form = await new Request("http://emulator.local/", {
        method: "POST",
        headers: { "content-type": contentType },
        body: new Uint8Array(raw),
      }).formData();
      const body: Record<string, unknown> = {};
      for (const [key, value] of form.entries()) {
        body[key] = typeof value === "string" ? value : { name: value.name, size: value.size, type: value.type };
      }
      return { body, malformed: false };
    } catch {
      return { body: raw.toString("utf8"), malformed: true };
    }
  }
  const text = raw.toString("utf8");
  try {
    return { body: JSON.parse(text), malformed: false };
  } catch {
    return { body: text, malformed: true };
  }
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) out[key] = [...(out[key] ?? []), value];
  return out;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/json;charset=UTF-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * One CJ API request: record it, apply the per-IP limit, route, faults, auth, the per-account limit, the daily
 * quotas, run the handler, answer in CJ's envelope (or drop/hang/5xx as a fault says).
 */
export async function handleApiRequest(
  ctx: EmulatorContext,
  limiter: SlidingWindowLimiter,
  hangs: HangRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname.slice(API_PREFIX.length) || "/";
  const raw = await readBody(req);
  const { body, malformed } = await parseBody(raw, String(req.headers["content-type"] ?? ""));
  const token = headerToken(req.headers);
  const t = Date.now();
  const record: RecordedRequest = {
    seq: ctx.state.next("request"),
    at: cjIsoDate(ctx.clock.now()),
    t,
    method,
    path,
    query: queryRecord(url.searchParams),
    body,
    ip: req.socket.remoteAddress ?? "unknown",
    accountId: peekAccount(ctx, token, body)?.id ?? null,
    code: null,
    httpStatus: null,
    outcome: "pending",
    fault: null,
  };
  ctx.state.requests.push(record);
  const requestId = randomUUID();

  const answer = (status: number, envelope: ReturnType<typeof successEnvelope>) => {
    record.code = envelope.code;
    record.httpStatus = status;
    record.outcome = "answered";
    sendJson(res, status, envelope);
  };
  const answerFailure = (error: CjFailure) =>
    answer(200, errorEnvelope(error.code, error.message, requestId, error.data));

  if (!limiter.tryAcquire(`ip:${record.ip}`, ctx.options.ipQps, t)) {
    return answerFailure(new CjFailure(1600200, `Too Many Requests, QPS limit is ${ctx.options.ipQps} time/1second`));
  }
  const route = findRoute(method, path);
  if (!route) return answerFailure(failure(1600101));

  const fault: FaultDecision | null = ctx.faults.decide(method, path, record.accountId);
  if (fault) record.fault = `${fault.rule.id}:${fault.rule.kind}`;
  if (fault?.kind === "http5xx") {
    record.code = fault.status;
    record.httpStatus = fault.status;
    record.outcome = "answered";
    res.writeHead(fault.status, { "content-type": "text/html" });
    res.end(`<html><body><h1>${fault.status}</h1></body></html>`);
    return;
  }
  if (fault?.kind === "hang") {
    record.outcome = "hung";
    hangs.hold(res, fault.hangMs);
    return;
  }
  if (fault?.kind === "cjError") return answerFailure(new CjFailure(fault.code, fault.message));

  let envelope: ReturnType<typeof successEnvelope>;
  let status = 200;
  try {
    if (malformed) throw new CjFailure(1600100, BAD_JSON);
    const account = route.auth ? authenticate(ctx, token) : null;
    if (account) {
      record.accountId = account.id;
      if (!limiter.tryAcquire(`account:${account.id}`, account.qpsLimit, t)) {
        throw new CjFailure(1600200, `Too Many Requests, QPS limit is ${account.qpsLimit} time/1second`);
      }
      // Daily quotas (points, unverified per-endpoint limit), by the emulator clock: quotas.ts.
      chargeCall(ctx.state, account, method, path, ctx.clock.now());
    }
    const apiRequest: ApiRequest = { method, path, query: url.searchParams, body, headers: req.headers, account };
    const reply = await route.handler(ctx, apiRequest);
    envelope = successEnvelope(reply.data, requestId, reply.message ?? "Success");
  } catch (error) {
    if (!(error instanceof CjFailure)) throw error;
    envelope = errorEnvelope(error.code, error.message, requestId, error.data);
    if (error instanceof HttpCjFailure) status = error.httpStatus;
  }
  if (fault?.kind === "drop") {
    // The state change happened; the client never learns it (a lost answer).
    record.code = envelope.code;
    record.outcome = "dropped";
    res.socket?.destroy();
    return;
  }
  if (fault?.kind === "holdAfter") {
    record.code = envelope.code;
    record.outcome = "hung";
    hangs.hold(res, fault.hangMs);
    return;
  }
  if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
  if (fault?.kind === "dataAsString" && envelope.code === 200) {
    // The request ran; the success answer carries `data` as a string holding its JSON, as some Java endpoints do.
    envelope = { ...envelope, data: JSON.stringify(envelope.data) };
  }
  answer(status, envelope);
}
