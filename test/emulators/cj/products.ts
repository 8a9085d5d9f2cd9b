import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { failure, paramError } from "./envelope.js";
import { completeConnectedOrders } from "./order-model.js";
import type { Account, Connection, Variant } from "./state.js";
import { field, isAbsent, isRecord, optString, validate } from "./validation.js";
import { applyWebhookSettings, reRegisters } from "./webhooks.js";

/** A small deterministic CJ catalogue every emulator starts with (vids shaped like CJ's UUID vids). */
export const DEFAULT_VARIANTS: readonly Variant[] = [
  {
    vid: "92511400-C758-4474-93CA-66D442F5F787",
    pid: "1392053744945991680",
    sku: "CJCF104237201AZ",
    nameEn: "Cotton T-Shirt White M",
    sellPrice: "4.57",
    weight: 180,
  },
  {
    vid: "439FC05B-1311-4349-87FA-1E1EF942C418",
    pid: "1392053744945991680",
    sku: "CJCF104237202AZ",
    nameEn: "Cotton T-Shirt Black L",
    sellPrice: "4.87",
    weight: 190,
  },
  {
    vid: "1392053744945991681",
    pid: "1424608189734850560",
    sku: "CJJT169305601AZ",
    nameEn: "Phone Case Clear",
    sellPrice: "0.57",
    weight: 20,
  },
  {
    vid: "1392053744945991682",
    pid: "1424608189734850561",
    sku: "CJYD183722901AZ",
    nameEn: "Yoga Mat Purple",
    sellPrice: "12.30",
    weight: 1100,
  },
];

export interface ConnectInput {
  accountId: string;
  /** The store SKU orderFlow=2 lines carry. */
  sku?: string | null;
  vid: string;
  platformProductId?: string;
  platformVariantId?: string;
  shopId?: string | null;
}

/** Create a connection (control API and `POST /product/conn/connection`), then complete waiting orders. */
export function connectVariant(ctx: EmulatorContext, input: ConnectInput): Connection {
  const variant = ctx.state.variants.get(input.vid);
  if (!variant) throw failure(1602000);
  const seq = ctx.state.next("connection");
  const connection: Connection = {
    id: `conn-${seq}`,
    accountId: input.accountId,
    cjProductId: variant.pid,
    cjVariantId: variant.vid,
    platformProductId: input.platformProductId ?? `store-product-${seq}`,
    platformVariantId: input.platformVariantId ?? `store-variant-${seq}`,
    sku: input.sku ?? null,
    shopId: input.shopId ?? null,
    createdAt: ctx.clock.now(),
  };
  ctx.state.connections = ctx.state.connections.filter(
    (c) =>
      !(
        c.accountId === connection.accountId &&
        ((connection.sku !== null && c.sku === connection.sku) ||
          (c.platformVariantId === connection.platformVariantId &&
            c.platformProductId === connection.platformProductId))
      ),
  );
  ctx.state.connections.push(connection);
  completeConnectedOrders(ctx, input.accountId);
  return connection;
}

function connectionAnswer(c: Connection) {
  return {
    id: c.id,
    cjProductId: c.cjProductId,
    cjVariantId: c.cjVariantId,
    platformProductId: c.platformProductId,
    platformVariantId: c.platformVariantId,
    sku: c.sku,
    shopId: c.shopId,
  };
}

const MAX_PAGE_SIZE = 100;

function pageParam(req: { query: URLSearchParams }, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw.trim() === "") return fallback;
  if (!/^\d{1,9}$/.test(raw.trim())) throw paramError();
  const value = Number(raw.trim());
  if (value < 1) throw paramError();
  return value;
}

/**
 * `GET /product/conn/connection`: a page `{pageNum, pageSize, total, list}` like order/list, with or without paging
 * parameters (pageNum 1, pageSize 20 by default; pageSize capped at 100), oldest connection first; filters
 * platformProductId / platformVariantId.
 */
export const listConnections: Handler = (ctx, req) => {
  const account = accountOf(req);
  const productId = req.query.get("platformProductId");
  const variantId = req.query.get("platformVariantId");
  const pageNum = pageParam(req, "pageNum", 1);
  const pageSize = Math.min(pageParam(req, "pageSize", 20), MAX_PAGE_SIZE);
  const matching = ctx.state.connections.filter(
    (c) =>
      c.accountId === account.id &&
      (!productId || c.platformProductId === productId) &&
      (!variantId || c.platformVariantId === variantId),
  );
  return {
    data: {
      pageNum,
      pageSize,
      total: matching.length,
      list: matching.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(connectionAnswer),
    },
  };
};

const CONNECTION_FIELDS = [
  field("cjProductId", "string", true, 200),
  field("platformProductId", "string", true, 200),
  field("variantList", "list", true, 100),
  field("shopId", "string", false, 200),
];
const CONNECTION_VARIANT_FIELDS = [
  field("cjVariantId", "string", true, 200),
  field("platformVariantId", "string", true, 200),
  field("sku", "string", false, 200),
];

export const createConnection: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, CONNECTION_FIELDS);
  const items = (body.variantList as unknown[]).map((item) => validate(item, CONNECTION_VARIANT_FIELDS));
  for (const item of items) {
    const variant = ctx.state.variants.get(String(item.cjVariantId));
    if (!variant) throw failure(1602000);
    if (variant.pid !== String(body.cjProductId)) throw paramError();
  }
  const created = items.map((item) =>
    connectVariant(ctx, {
      accountId: account.id,
      vid: String(item.cjVariantId),
      sku: optString(item.sku),
      platformProductId: String(body.platformProductId),
      platformVariantId: String(item.platformVariantId),
      shopId: optString(body.shopId),
    }),
  );
  return { data: created.map(connectionAnswer) };
};

export const deleteConnection: Handler = (ctx, req) => {
  const account = accountOf(req);
  const source = isRecord(req.body) ? req.body : {};
  const productId = req.query.get("platformProductId") ?? optString(source.platformProductId);
  const variantId = req.query.get("platformVariantId") ?? optString(source.platformVariantId);
  if (!productId && !variantId) throw paramError();
  const before = ctx.state.connections.length;
  ctx.state.connections = ctx.state.connections.filter(
    (c) =>
      !(
        c.accountId === account.id &&
        (!productId || c.platformProductId === productId) &&
        (!variantId || c.platformVariantId === variantId)
      ),
  );
  return { data: before !== ctx.state.connections.length };
};

function variantAnswer(v: Variant) {
  return {
    vid: v.vid,
    pid: v.pid,
    variantNameEn: v.nameEn,
    variantSku: v.sku,
    variantSellPrice: Number(v.sellPrice),
    variantWeight: v.weight,
  };
}

export const queryVariants: Handler = (ctx, req) => {
  const sku = req.query.get("variantSku");
  const vid = req.query.get("vid");
  const pid = req.query.get("pid");
  if (!sku && !vid && !pid) throw paramError();
  const list = [...ctx.state.variants.values()].filter(
    (v) => (!sku || v.sku === sku) && (!vid || v.vid === vid) && (!pid || v.pid === pid),
  );
  return { data: list.map(variantAnswer) };
};

export const queryVariantByVid: Handler = (ctx, req) => {
  const vid = req.query.get("vid");
  if (isAbsent(vid)) throw paramError();
  const variant = ctx.state.variants.get(String(vid));
  if (!variant) throw failure(1602000);
  return { data: variantAnswer(variant) };
};

/** `GET /shop/getShops`: every store of the account (CJ's "Multiple Store Management"). */
export const getShops: Handler = (_ctx, req) => {
  const account = accountOf(req);
  return {
    data: account.shops.map((s) => ({
      shopId: s.shopId,
      shopName: s.shopName,
      storeName: s.storeName,
      platform: s.platform,
      shopUrl: s.shopUrl,
    })),
  };
};

/**
 * `GET /setting/get`: the account's limits and webhook configuration (shape after CJ's settings page). A push pause
 * is not shown (CJ documents no field for it): the types and URLs stay as registered.
 */
export const getSettings: Handler = (ctx, req) => {
  const account = accountOf(req);
  const hooks = ctx.state.webhooks.get(account.id) ?? {};
  return {
    data: {
      openId: account.openId,
      openName: account.openName,
      openEmail: account.email,
      setting: {
        quotaLimits: [{ quotaUrl: "/api2.0/v1/*", quotaLimit: 1000, quotaType: 1 }],
        qpsLimit: account.qpsLimit,
      },
      callback: {
        productType: hooks.product?.type ?? "CANCEL",
        productCallbackUrls: hooks.product?.callbackUrls ?? [],
        stockType: hooks.stock?.type ?? "CANCEL",
        stockCallbackUrls: hooks.stock?.callbackUrls ?? [],
        orderType: hooks.order?.type ?? "CANCEL",
        orderCallbackUrls: hooks.order?.callbackUrls ?? [],
        logisticsType: hooks.logistics?.type ?? "CANCEL",
        logisticsCallbackUrls: hooks.logistics?.callbackUrls ?? [],
      },
      root: "NO_PERMISSION",
      isSandbox: false,
    },
  };
};

export const setWebhook: Handler = (ctx, req) => {
  const account: Account = accountOf(req);
  const applied = applyWebhookSettings(ctx.state, account.id, req.body, ctx.options.requireHttpsCallbacks);
  // Re-registering (ENABLE/ALL for any topic) lifts a push pause and sends what was held.
  if (reRegisters(applied)) ctx.pusher.resume(account.id);
  return { data: true };
};
