import type { IncomingMessage, ServerResponse } from "node:http";
import { CjFailure } from "./envelope.js";
import type { FaultSpec } from "./faults.js";
import type { AccountInput, CjEmulator, ConnectionInput, QuotaInput, ShopInput } from "./index.js";
import type { ReleaseFields } from "./intercepts.js";
import type { DestinationRuleTable } from "./rules.js";
import { readBody } from "./server.js";
import type { SplitPart } from "./shipping.js";
import type { Variant } from "./state.js";
import { isRecord } from "./validation.js";

/**
 * The control API under /__emulator/ (JSON in, JSON out) so `npm run demo` and out-of-process tests can drive the
 * emulator like the in-process API does. Errors answer 400 `{error}`.
 *
 *   GET    /__emulator/state                         snapshot of everything
 *   GET    /__emulator/requests?accountId=&path=&method=
 *   GET    /__emulator/requests/max-window?accountId=&windowMs=1000   → {max}
 *   GET    /__emulator/pushes?accountId=&type=&messageType=
 *   POST   /__emulator/reset
 *   POST   /__emulator/accounts          {id?, apiKey, openId?, qpsLimit?, balance?, shops?, dailyPoints?, unverified?,
 *                                          unverifiedDailyCallsPerEndpoint?, oddShapes?}
 *   POST   /__emulator/accounts/shops    {accountId, storeName, shopId?, platform?, shopName?, shopUrl?}
 *                                         → {accountId, shops} (added unless that storeName/shopId is there)
 *   POST   /__emulator/accounts/qps      {accountId, qpsLimit}
 *   POST   /__emulator/balance           {accountId, amount}
 *   POST   /__emulator/variants          {vid, pid, sku, nameEn, sellPrice, weight}
 *   POST   /__emulator/connections       {accountId, sku, vid, platformProductId?, platformVariantId?}
 *   POST   /__emulator/orders/ship       {orderId, trackNumber?, logisticName?, trackingUrl?, force?}
 *   POST   /__emulator/orders/track      {orderId, trackingStatus, activity?, location?}
 *   POST   /__emulator/orders/split      {orderId, parts?: [[{lineItemId, quantity?}]]}
 *   POST   /__emulator/faults            FaultSpec → the rule
 *   DELETE /__emulator/faults[?id=]      clear one or all
 *   POST   /__emulator/pushes            {enabled}
 *   POST   /__emulator/pushes/flush
 *   GET    /__emulator/webhooks/pause[?accountId=]   the push pause (one account, or all as a list)
 *   POST   /__emulator/webhooks/pause {accountId, paused: boolean}   force it on, or off (as a re-registration)
 *   POST   /__emulator/clock             {advanceMs} | {setMs}
 *   GET    /__emulator/quotas[?accountId=]    today's usage (one account, or all as a list)
 *   POST   /__emulator/quotas            {accountId, pointsUsed?, calls?: {"POST /logistic/freightCalculate": n},
 *                                          dailyPoints?, unverified?, unverifiedDailyCallsPerEndpoint?}
 *   POST   /__emulator/odd-shapes        {enabled: boolean | null, accountId?}
 *   GET    /__emulator/destination-rules
 *   POST   /__emulator/destination-rules {rules: {BR: [{type, expression?, interceptType?, msgEn?, msgCode?,
 *                                          logisticNames?}]}, replace?}
 *   POST   /__emulator/orders/intercept  {orderId, message, code?}
 *   POST   /__emulator/orders/release    {orderId, fields?: {taxId?, consigneeID?, houseNumber?, shippingPhone?,
 *                                          email?, shippingZip?, shippingCounty?}}
 */
export async function handleControlRequest(
  emulator: CjEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname.slice("/__emulator".length);
  const raw = (await readBody(req)).toString("utf8");
  let status = 200;
  let payload: unknown;
  try {
    const body: Record<string, unknown> = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
    if (!isRecord(body)) throw new Error("body must be a JSON object");
    payload = await dispatch(emulator, method, path, url.searchParams, body);
  } catch (error) {
    status = error instanceof NotFound ? 404 : 400;
    const message = error instanceof Error ? error.message : String(error);
    payload = { error: message, ...(error instanceof CjFailure ? { code: error.code } : {}) };
  }
  const text = JSON.stringify(payload ?? { ok: true });
  res.writeHead(status, { "content-type": "application/json" });
  res.end(text);
}

class NotFound extends Error {}

function text(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`${name} is required`);
  return value;
}

async function dispatch(
  emulator: CjEmulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
): Promise<unknown> {
  const key = `${method} ${path}`;
  switch (key) {
    case "GET /state":
      return emulator.snapshot();
    case "GET /requests":
      return emulator.requests({
        accountId: query.get("accountId") ?? undefined,
        path: query.get("path") ?? undefined,
        method: query.get("method") ?? undefined,
      });
    case "GET /requests/max-window":
      return {
        max: emulator.maxRequestsInAnyWindow(
          text(query.get("accountId"), "accountId"),
          Number(query.get("windowMs") ?? 1000),
        ),
      };
    case "GET /pushes":
      return emulator.pushes({
        accountId: query.get("accountId") ?? undefined,
        type: query.get("type") ?? undefined,
        messageType: query.get("messageType") ?? undefined,
      });
    case "POST /reset":
      emulator.reset();
      return { ok: true };
    case "POST /accounts":
      return emulator.addAccount({ ...body, apiKey: text(body.apiKey, "apiKey") } as AccountInput);
    case "POST /accounts/shops": {
      const accountId = text(body.accountId, "accountId");
      const { accountId: _ignored, ...shop } = body;
      return {
        accountId,
        shops: emulator.addShop(accountId, { ...shop, storeName: text(body.storeName, "storeName") } as ShopInput),
      };
    }
    case "POST /accounts/qps":
      emulator.setQps(text(body.accountId, "accountId"), Number(body.qpsLimit));
      return emulator.account(String(body.accountId));
    case "POST /balance":
      emulator.setBalance(text(body.accountId, "accountId"), String(body.amount));
      return emulator.account(String(body.accountId));
    case "POST /variants":
      emulator.addVariant(body as unknown as Variant);
      return body;
    case "POST /connections":
      return emulator.connect({
        ...body,
        accountId: text(body.accountId, "accountId"),
        vid: text(body.vid, "vid"),
      } as ConnectionInput);
    case "POST /orders/ship":
      return emulator.shipOrder(text(body.orderId, "orderId"), body);
    case "POST /orders/track":
      return emulator.advanceTracking(text(body.orderId, "orderId"), {
        trackingStatus: Number(body.trackingStatus),
        ...(typeof body.activity === "string" ? { activity: body.activity } : {}),
        ...(typeof body.location === "string" ? { location: body.location } : {}),
      });
    case "POST /orders/split":
      return emulator.splitOrder(
        text(body.orderId, "orderId"),
        Array.isArray(body.parts) ? (body.parts as SplitPart[][]) : undefined,
      );
    case "POST /faults":
      return emulator.addFault(body as unknown as FaultSpec);
    case "DELETE /faults": {
      const id = query.get("id");
      if (id) emulator.removeFault(id);
      else emulator.clearFaults();
      return { ok: true };
    }
    case "POST /pushes":
      emulator.setPushesEnabled(body.enabled !== false);
      return { enabled: emulator.state.pushesEnabled };
    case "POST /pushes/flush":
      await emulator.flushPushes();
      return { ok: true };
    case "GET /webhooks/pause": {
      const accountId = query.get("accountId");
      return accountId ? emulator.pushPause(accountId) : emulator.pushPauses();
    }
    case "POST /webhooks/pause":
      if (typeof body.paused !== "boolean") throw new Error("paused must be a boolean");
      return emulator.setPushPaused(text(body.accountId, "accountId"), body.paused);
    case "POST /clock":
      if (typeof body.advanceMs === "number") emulator.clock.advance(body.advanceMs);
      if (typeof body.setMs === "number") emulator.clock.set(body.setMs);
      return { now: new Date(emulator.clock.now()).toISOString() };
    case "GET /quotas": {
      const accountId = query.get("accountId");
      return accountId ? emulator.quotaUsage(accountId) : emulator.quotaUsages();
    }
    case "POST /quotas":
      return emulator.setQuota(text(body.accountId, "accountId"), body as QuotaInput);
    case "POST /odd-shapes": {
      if (body.enabled !== null && typeof body.enabled !== "boolean")
        throw new Error("enabled must be a boolean or null");
      const accountId = typeof body.accountId === "string" && body.accountId !== "" ? body.accountId : undefined;
      emulator.setOddShapes(body.enabled, accountId);
      return {
        oddShapes: emulator.state.oddShapes,
        ...(accountId ? { accountId, accountOddShapes: emulator.account(accountId).oddShapes } : {}),
      };
    }
    case "GET /destination-rules":
      return emulator.destinationRules();
    case "POST /destination-rules":
      if (!isRecord(body.rules)) throw new Error("rules must be an object: {countryCode: [rule, ...]}");
      return emulator.setDestinationRules(body.rules as DestinationRuleTable, { replace: body.replace === true });
    case "POST /orders/intercept":
      return emulator.interceptOrder(text(body.orderId, "orderId"), {
        message: text(body.message, "message"),
        ...(body.code === undefined ? {} : { code: Number(body.code) }),
      });
    case "POST /orders/release": {
      if (body.fields !== undefined && !isRecord(body.fields)) throw new Error("fields must be an object");
      return emulator.releaseIntercept(text(body.orderId, "orderId"), (body.fields ?? {}) as ReleaseFields);
    }
    default:
      throw new NotFound(`no control endpoint ${key}`);
  }
}
