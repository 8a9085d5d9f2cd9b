/**
 * The Products page (issue 14) over HTTP, as the merchant's browser drives it: the route's loader and action (Remix
 * single fetch), the app process and its job runner, the Shopify emulator's catalogue and the CJ emulator's
 * connections. What is asserted: the rows the page gets, the requests CJ received, the VariantLink and ProductBatch
 * rows. One stack for the file; each test uses variants of its own unless it says otherwise.
 */
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchView } from "~/products/batch.server";
import type { CjVariantView, ProductRow, ProductsPage } from "~/products/products.server";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { catalogueLine } from "../../emulators/shopify/catalogue";
import type { CatalogueProduct } from "../../emulators/shopify/model";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { addStoreCatalogue, CJ_CASE, CJ_MAT } from "../../support/store-catalogue";

let s: Stack;
let shirt: CatalogueProduct;
let mat: CatalogueProduct;
let phoneCase: CatalogueProduct;
let mug: CatalogueProduct;
let sticker: CatalogueProduct;

beforeAll(async () => {
  s = await startStack();
  // The store's catalogue; the T-shirt's ids are the ones the stack's CJ connections name (CONNECTED).
  ({ shirt, mat, phoneCase, mug } = addStoreCatalogue(s));
  sticker = s.shopify.addProduct(STACK_SHOP, { title: "Sticker", variants: [{}] });
});
afterAll(async () => {
  await s?.stop();
});

const gidOf = (product: CatalogueProduct, index = 0) => {
  const variant = product.variants[index];
  if (!variant) throw new Error(`${product.title} has no variant ${index}`);
  return variant.id;
};
const legacy = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

async function signed(path: string) {
  return embeddedUrl(s.app.url, path, { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret });
}

/** A route's answer as the browser receives it (Remix single fetch: turbo-stream). */
async function decoded(res: Response): Promise<Record<string, { data?: unknown }> & { data?: unknown }> {
  const value = (await decode(res.body as ReadableStream<Uint8Array>)) as { value: unknown; done: Promise<void> };
  await value.done;
  return value.value as Record<string, { data?: unknown }> & { data?: unknown };
}

type PageData = ProductsPage & { error: string | null };

/** The page's loader data for a query string (tab, q, after, before, variant). */
async function page(query = ""): Promise<PageData> {
  const res = await fetch(await signed(`/app/products.data${query ? `?${query}` : ""}`), {
    headers: { "User-Agent": BROWSER_UA },
  });
  expect(res.status).toBe(200);
  const data = (await decoded(res))["routes/app.products"]?.data as PageData;
  expect(data.error).toBeNull();
  return data;
}

interface Answer {
  ok: boolean;
  intent: string;
  message?: string;
  preview?: CjVariantView;
  suggestions?: Record<string, CjVariantView | null>;
  batch?: BatchView | null;
  resumed?: number;
}

/** A form post to the page's action, as its buttons send it. */
async function act(form: Record<string, string | string[]>): Promise<{ status: number; answer: Answer | null }> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
  const res = await fetch(await signed("/app/products.data"), {
    method: "POST",
    body,
    headers: { "User-Agent": BROWSER_UA },
  });
  if (res.status !== 200) {
    await res.text();
    return { status: res.status, answer: null };
  }
  return { status: 200, answer: (await decoded(res)).data as Answer };
}

async function ok(form: Record<string, string | string[]>): Promise<Answer> {
  const { status, answer } = await act(form);
  expect(status).toBe(200);
  expect(answer?.message ?? "", JSON.stringify(answer)).not.toMatch(/Unknown action/);
  expect(answer?.ok, answer?.message).toBe(true);
  return answer as Answer;
}

const rowOf = (data: PageData, gid: string): ProductRow | undefined => data.rows.find((r) => r.variantGid === gid);
const connectionPosts = () => s.cj.requests({ path: "/product/conn/connection", method: "POST" });
const link = (gid: string) =>
  s.t.db.variantLink.findUnique({ where: { shopId_shopifyVariantGid: { shopId: s.shopId, shopifyVariantGid: gid } } });

describe("the page", () => {
  it("renders with its heading, tabs, buttons and the store's variants", async () => {
    const res = await fetch(await signed("/app/products"), { headers: { "User-Agent": BROWSER_UA } });
    const html = await res.text();
    expect(res.status).toBe(200);
    for (const text of [
      "Products",
      "Refresh connections",
      "Connect all suggestions",
      "Not connected",
      "Not fulfilled by CJ",
      "Search variants",
      "Cotton T-Shirt",
      "MAT-PURPLE",
      'aria-label="Connect Yoga Mat"',
    ]) {
      expect(html).toContain(text);
    }
  });
});

describe("refresh from CJ", () => {
  it("reads CJ's connections page by page and records the ones of this store's variants", async () => {
    // 120 connections of another store of the same CJ account: two pages of 100, none of them this store's.
    for (let i = 0; i < 120; i++) {
      s.cj.connect({
        accountId: "acct-1",
        vid: CJ_CASE.vid,
        platformProductId: "880000",
        platformVariantId: `99000${i}`,
      });
    }
    expect((await page("tab=connected")).rows).toEqual([]);
    const before = s.cj.requests({ path: "/product/conn/connection", method: "GET" }).length;

    const answer = await ok({ intent: "refresh" });
    expect(answer.message).toBe("Read 122 connections from CJ: 2 are variants of this store.");
    const reads = s.cj.requests({ path: "/product/conn/connection", method: "GET" }).slice(before);
    expect(reads.map((r) => [r.query.pageNum?.[0], r.query.pageSize?.[0]])).toEqual([
      ["1", "100"],
      ["2", "100"],
    ]);

    const white = await link(gidOf(shirt, 0));
    expect(white).toMatchObject({
      source: "CJ",
      cjVariantId: CONNECTED["TSHIRT-WHITE-M"].vid,
      cjSku: "CJCF104237201AZ",
      cjPrice: "4.57",
      sku: "TSHIRT-WHITE-M",
      shopifyProductGid: shirt.id,
    });
    expect(Date.now() - (white?.checkedAt?.getTime() ?? 0)).toBeLessThan(60_000);
    expect(
      await s.t.db.variantLink.count({ where: { shopId: s.shopId, shopifyVariantGid: { contains: "/99000" } } }),
    ).toBe(0);

    const connected = await page("tab=connected");
    expect(connected.rows.map((r) => r.variantGid)).toEqual([gidOf(shirt, 0), gidOf(shirt, 1)]);
    expect(connected.rows[1]?.connection).toMatchObject({
      cjVariantId: CONNECTED["TSHIRT-WHITE-L"].vid,
      cjSku: "CJCF104237202AZ",
      cjName: "Cotton T-Shirt Black L",
      cjPrice: "4.87",
      source: "CJ",
    });
  });
});

describe("the list", () => {
  it("shows every store variant with its SKU and connection state; the tabs filter it", async () => {
    const all = await page();
    expect(all.rows.map((r) => r.sku)).toEqual([
      "TSHIRT-WHITE-M",
      "TSHIRT-WHITE-L",
      "MAT-PURPLE",
      CJ_CASE.sku,
      "MUG-OWN-1",
      null,
    ]);
    expect(rowOf(all, gidOf(shirt, 1))).toMatchObject({
      productTitle: "Cotton T-Shirt",
      variantTitle: "White / L",
      displayName: "Cotton T-Shirt - White / L",
      price: "19.90",
      notFulfilledByCj: false,
      blockedOrders: 0,
    });
    expect(rowOf(all, gidOf(mug))).toMatchObject({ productTitle: "Enamel Mug", variantTitle: null, connection: null });
    const unconnected = await page("tab=unconnected");
    expect(unconnected.rows.map((r) => r.sku)).toEqual(["MAT-PURPLE", CJ_CASE.sku, "MUG-OWN-1", null]);
    expect((await page("tab=notCj")).rows).toEqual([]);
  });

  it("searches titles and SKUs", async () => {
    expect((await page("q=enamel")).rows.map((r) => r.sku)).toEqual(["MUG-OWN-1"]);
    expect((await page("q=MAT-PURPLE")).rows.map((r) => r.productTitle)).toEqual(["Yoga Mat"]);
    expect((await page("q=white%20L")).rows.map((r) => r.sku)).toEqual(["TSHIRT-WHITE-L"]);
    expect((await page("tab=connected&q=mug")).rows).toEqual([]);
  });

  it("pages with Previous and Next on every tab, neither skipping nor repeating a variant", async () => {
    // 60 more variants, every third one shipped by the merchant: pages of 25 over the store and over a tab.
    const extra = s.shopify.addProduct(STACK_SHOP, {
      title: "Sock",
      variants: Array.from({ length: 60 }, (_, i) => ({ title: `Size ${i}`, sku: `SOCK-${i}` })),
    });
    for (const [i, v] of extra.variants.entries()) {
      if (i % 3 === 0) await ok({ intent: "notFulfilledByCj", variantGid: v.id, value: "true" });
    }
    const walk = async (tab: string) => {
      const seen: string[] = [];
      const cursors: string[] = [];
      let query = `tab=${tab}`;
      for (let n = 0; n < 20; n++) {
        const data = await page(query);
        seen.push(...data.rows.map((r) => r.variantGid));
        if (!data.next) break;
        cursors.push(data.next);
        query = `tab=${tab}&after=${encodeURIComponent(data.next)}`;
      }
      return { seen, cursors };
    };
    const all = await walk("all");
    expect(all.seen).toHaveLength(66);
    expect(new Set(all.seen).size).toBe(66);
    const notCj = await walk("notCj");
    expect(notCj.seen).toEqual(extra.variants.filter((_, i) => i % 3 === 0).map((v) => v.id));
    const unconnected = await walk("unconnected");
    expect(unconnected.seen).toHaveLength(4 + 40);
    expect(unconnected.seen.slice(0, 4)).toEqual([gidOf(mat), gidOf(phoneCase), gidOf(mug), gidOf(sticker)]);

    // Back from the second page of "Not connected" gives the first page again.
    const second = await page(`tab=unconnected&after=${encodeURIComponent(unconnected.cursors[0] as string)}`);
    expect(second.previous).not.toBeNull();
    const back = await page(`tab=unconnected&before=${encodeURIComponent(second.previous as string)}`);
    expect(back.rows.map((r) => r.variantGid)).toEqual(unconnected.seen.slice(0, 25));
    expect(back.previous).toBeNull();

    for (const v of extra.variants) await s.t.db.variantLink.deleteMany({ where: { shopifyVariantGid: v.id } });
    s.shopify.state.products.delete(extra.id);
  });

  it("?variant=<gid> (the order page's link) shows that one variant; an unknown one says so", async () => {
    const one = await page(`variant=${encodeURIComponent(gidOf(mat))}`);
    expect(one.rows.map((r) => r.variantGid)).toEqual([gidOf(mat)]);
    expect(one.variantMissing).toBe(false);
    expect(one.next).toBeNull();
    const missing = await page(`variant=${encodeURIComponent("gid://shopify/ProductVariant/12345")}`);
    expect(missing).toMatchObject({ rows: [], variantMissing: true });
  });

  it("counts the distinct orders of the last 30 days a variant blocked", async () => {
    const gid = gidOf(mug);
    const line = (n: number, unconnected = true) => ({
      shopifyLineItemGid: `gid://shopify/LineItem/blk-${n}`,
      quantity: 1,
      sku: "MUG-OWN-1",
      shopifyVariantGid: gid,
      unconnected,
    });
    const order = async (n: number, daysAgo: number, lines: ReturnType<typeof line>[]) =>
      s.t.db.order.create({
        data: {
          shopId: s.shopId,
          shopifyOrderGid: `gid://shopify/Order/blk-${n}`,
          shopifyOrderName: `#BLK${n}`,
          state: "CANCELLED",
          createdAt: new Date(Date.now() - daysAgo * 86_400_000),
          lines: { create: lines },
        },
      });
    await order(1, 1, [line(1), line(2)]); // two lines of the variant: one order
    await order(2, 29, [line(3)]);
    await order(3, 31, [line(4)]); // older than 30 days
    await order(4, 2, [line(5, false)]); // connected when forwarded
    const data = await page(`variant=${encodeURIComponent(gid)}`);
    expect(rowOf(data, gid)?.blockedOrders).toBe(2);
    expect(rowOf(await page(), gidOf(mat))?.blockedOrders).toBe(0);
  });
});

describe("connecting", () => {
  it("by CJ vid: the CJ variant is shown before saving; saving creates the connection at CJ and records it", async () => {
    const posts = connectionPosts().length;
    const preview = await ok({ intent: "preview", by: "vid", value: CJ_MAT.vid });
    expect(preview.preview).toMatchObject({
      vid: CJ_MAT.vid,
      pid: CJ_MAT.pid,
      sku: CJ_MAT.sku,
      name: "Yoga Mat Purple",
      sellPrice: "12.30",
    });
    expect(connectionPosts()).toHaveLength(posts);

    const answer = await ok({ intent: "connect", variantGid: gidOf(mat), by: "vid", value: CJ_MAT.vid });
    expect(answer.message).toBe(`Yoga Mat is connected to CJ variant ${CJ_MAT.sku}.`);
    const sent = connectionPosts().slice(posts);
    expect(sent.map((r) => r.body)).toEqual([
      {
        cjProductId: CJ_MAT.pid,
        platformProductId: legacy(mat.id),
        variantList: [{ cjVariantId: CJ_MAT.vid, platformVariantId: legacy(gidOf(mat)), sku: "MAT-PURPLE" }],
      },
    ]);
    expect(sent[0]?.code).toBe(200);
    expect(s.cj.state.connections.filter((c) => c.platformVariantId === legacy(gidOf(mat)))).toMatchObject([
      { cjVariantId: CJ_MAT.vid, sku: "MAT-PURPLE" },
    ]);
    expect(await link(gidOf(mat))).toMatchObject({
      source: "APP",
      cjVariantId: CJ_MAT.vid,
      cjProductId: CJ_MAT.pid,
      cjSku: CJ_MAT.sku,
      cjName: "Yoga Mat Purple",
      cjPrice: "12.30",
      sku: "MAT-PURPLE",
    });
    expect(rowOf(await page("tab=connected"), gidOf(mat))?.connection).toMatchObject({
      cjSku: CJ_MAT.sku,
      source: "APP",
    });
  });

  it("by CJ SKU", async () => {
    const posts = connectionPosts().length;
    const answer = await ok({ intent: "connect", variantGid: gidOf(phoneCase), by: "sku", value: CJ_CASE.sku });
    expect(answer.message).toBe(`Phone Case is connected to CJ variant ${CJ_CASE.sku}.`);
    expect(
      connectionPosts()
        .slice(posts)
        .map((r) => r.body),
    ).toEqual([
      {
        cjProductId: CJ_CASE.pid,
        platformProductId: legacy(phoneCase.id),
        variantList: [{ cjVariantId: CJ_CASE.vid, platformVariantId: legacy(gidOf(phoneCase)), sku: CJ_CASE.sku }],
      },
    ]);
    expect(await link(gidOf(phoneCase))).toMatchObject({ source: "APP", cjVariantId: CJ_CASE.vid, cjPrice: "0.57" });
  });

  it("an unknown CJ SKU or vid is refused with a clear message, and nothing is sent to CJ", async () => {
    const posts = connectionPosts().length;
    const preview = await act({ intent: "preview", by: "sku", value: "NO-SUCH-SKU" });
    expect(preview.answer).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^CJ has no variant with SKU NO-SUCH-SKU: check the SKU/),
    });
    const connect = await act({ intent: "connect", variantGid: gidOf(mug), by: "sku", value: "NO-SUCH-SKU" });
    expect(connect.answer).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^CJ has no variant with SKU NO-SUCH-SKU: check the SKU/),
    });
    const vid = await act({
      intent: "connect",
      variantGid: gidOf(mug),
      by: "vid",
      value: "00000000-0000-0000-0000-000000000000",
    });
    expect(vid.answer).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^CJ has no variant with vid 00000000-0000-0000-0000-000000000000: /),
    });
    const blank = await act({ intent: "preview", by: "sku", value: "  " });
    expect(blank.answer).toMatchObject({ ok: false, message: "Enter a CJ SKU or vid." });
    expect(connectionPosts()).toHaveLength(posts);
    expect((await link(gidOf(mug)))?.cjVariantId ?? null).toBeNull();
  });

  it("a variant that is not this store's is not found (404), and nothing is sent to CJ", async () => {
    const posts = connectionPosts().length;
    const other = await act({
      intent: "connect",
      variantGid: "gid://shopify/ProductVariant/12345",
      by: "sku",
      value: CJ_CASE.sku,
    });
    expect(other.status).toBe(404);
    expect(connectionPosts()).toHaveLength(posts);
  });

  it("disconnect: CJ receives the DELETE; the row stays, with no CJ variant", async () => {
    const deletes = () => s.cj.requests({ path: "/product/conn/connection", method: "DELETE" });
    const before = deletes().length;
    const answer = await ok({ intent: "disconnect", variantGid: gidOf(mat) });
    expect(answer.message).toBe("Yoga Mat is no longer connected to CJ.");
    expect(
      deletes()
        .slice(before)
        .map((r) => [r.query.platformProductId?.[0], r.query.platformVariantId?.[0], r.code]),
    ).toEqual([[legacy(mat.id), legacy(gidOf(mat)), 200]]);
    expect(s.cj.state.connections.filter((c) => c.platformVariantId === legacy(gidOf(mat)))).toEqual([]);
    expect(await link(gidOf(mat))).toMatchObject({
      cjVariantId: null,
      cjSku: null,
      cjPrice: null,
      source: null,
      sku: "MAT-PURPLE",
    });
    expect(rowOf(await page("tab=unconnected"), gidOf(mat))?.connection).toBeNull();

    const again = await act({ intent: "disconnect", variantGid: gidOf(mat) });
    expect(again.answer).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Yoga Mat is not connected to CJ any more: reload/),
    });
    expect(deletes()).toHaveLength(before + 1);
  });

  it("a refresh forgets a connection CJ no longer has", async () => {
    // Removed in CJ's own app: the next refresh finds it gone.
    s.cj.state.connections = s.cj.state.connections.filter((c) => c.platformVariantId !== legacy(gidOf(phoneCase)));
    const answer = await ok({ intent: "refresh" });
    expect(answer.message).toMatch(/^Read \d+ connections from CJ: 2 are variants of this store\.$/);
    expect(await link(gidOf(phoneCase))).toMatchObject({ cjVariantId: null, source: null });
    expect((await link(gidOf(shirt, 0)))?.cjVariantId).toBe(CONNECTED["TSHIRT-WHITE-M"].vid);
  });

  it("'Not fulfilled by CJ' moves a variant out of 'Not connected' and back", async () => {
    await ok({ intent: "notFulfilledByCj", variantGid: gidOf(sticker), value: "true" });
    expect((await link(gidOf(sticker)))?.notFulfilledByCj).toBe(true);
    expect((await page("tab=notCj")).rows.map((r) => r.variantGid)).toEqual([gidOf(sticker)]);
    expect((await page("tab=unconnected")).rows.map((r) => r.variantGid)).not.toContain(gidOf(sticker));
    await ok({ intent: "notFulfilledByCj", variantGid: gidOf(sticker), value: "false" });
    expect((await page("tab=notCj")).rows).toEqual([]);
  });
});

describe("suggestions", () => {
  it("a store SKU that is a CJ SKU is suggested; lookups are cached (10 CJ points each)", async () => {
    const queries = () => s.cj.requests({ path: "/product/variant/query" }).length;
    const answer = await ok({ intent: "suggest", sku: [CJ_CASE.sku, "MUG-OWN-1"] });
    expect(answer.suggestions).toEqual({
      [CJ_CASE.sku]: expect.objectContaining({
        vid: CJ_CASE.vid,
        sku: CJ_CASE.sku,
        name: "Phone Case Clear",
        sellPrice: "0.57",
      }),
      "MUG-OWN-1": null,
    });
    const asked = queries();
    const again = await ok({ intent: "suggest", sku: [CJ_CASE.sku, "MUG-OWN-1"] });
    expect(again.suggestions?.[CJ_CASE.sku]?.cached).toBe(true);
    expect(queries()).toBe(asked);
  });

  it("'Connect all suggestions' runs as a job, records its progress, connects each match and says why the others failed", async () => {
    s.cj.addVariant({
      vid: "BATCH-VID-1",
      pid: "BATCH-PID",
      sku: "CJBATCH0001",
      nameEn: "Bamboo Bottle",
      sellPrice: "2.50",
      weight: 300,
    });
    s.cj.addVariant({
      vid: "BATCH-VID-2",
      pid: "BATCH-PID",
      sku: "CJBATCH0002",
      nameEn: "Bamboo Bottle XL",
      sellPrice: "3.10",
      weight: 400,
    });
    const bottle = s.shopify.addProduct(STACK_SHOP, {
      title: "Bottle",
      variants: [
        { title: "Small", sku: "CJBATCH0001" },
        { title: "Large", sku: "CJBATCH0002" },
        { title: "Own", sku: "BOTTLE-OWN-9" },
      ],
    });
    // Each CJ lookup answers slowly, so that the progress can be seen between variants.
    const slow = s.cj.addFault({ kind: "slow", path: "/product/variant/query", hangMs: 400 });
    const posts = connectionPosts().length;
    try {
      const started = await ok({ intent: "connectAll" });
      expect(started.batch).toMatchObject({ status: "RUNNING" });
      const id = started.batch?.id as string;
      const again = await ok({ intent: "connectAll" });
      expect(again.batch?.id).toBe(id);

      const seen: { done: number; total: number }[] = [];
      const finished = await eventually(
        async () => {
          const polled = (await ok({ intent: "batchStatus", batchId: id })).batch;
          if (polled) seen.push({ done: polled.done, total: polled.total });
          return polled?.status === "DONE" ? polled : undefined;
        },
        60_000,
        150,
      );
      // Candidates: every unconnected variant with a SKU that CJ fulfils (the three bottles and the earlier ones).
      const names = new Map(finished.results.map((r) => [r.variantGid, r]));
      expect(names.get(gidOf(bottle, 0))).toMatchObject({
        ok: true,
        name: "Bottle - Small",
        message: "Connected to CJ variant CJBATCH0001 (Bamboo Bottle).",
      });
      expect(names.get(gidOf(bottle, 1))).toMatchObject({ ok: true });
      expect(names.get(gidOf(bottle, 2))).toMatchObject({
        ok: false,
        message: "CJ has no variant with SKU BOTTLE-OWN-9: connect it by CJ SKU or vid from its row.",
      });
      expect(names.get(gidOf(mug))).toMatchObject({
        ok: false,
        message: "CJ has no variant with SKU MUG-OWN-1: connect it by CJ SKU or vid from its row.",
      });
      expect(names.get(gidOf(phoneCase))).toMatchObject({ ok: true });
      expect(names.has(gidOf(sticker))).toBe(false); // no SKU
      expect(names.has(gidOf(shirt, 0))).toBe(false); // connected already
      expect(finished.done).toBe(finished.total);
      // The batch's counts agree with what was recorded: connected variants are APP links now, failures are not.
      const okGids = finished.results.filter((r) => r.ok && r.variantGid).map((r) => r.variantGid as string);
      const failedGids = finished.results.filter((r) => !r.ok && r.variantGid).map((r) => r.variantGid as string);
      expect(finished.failed).toBe(failedGids.length);
      expect(
        await s.t.db.variantLink.count({ where: { shopifyVariantGid: { in: okGids }, cjVariantId: { not: null } } }),
      ).toBe(okGids.length);
      expect(
        await s.t.db.variantLink.count({
          where: { shopifyVariantGid: { in: failedGids }, cjVariantId: { not: null } },
        }),
      ).toBe(0);
      // The page saw it move: done went up one variant at a time, never past the total.
      const moving = seen.filter((p) => p.total > 0);
      expect(moving.some((p) => p.done > 0 && p.done < p.total)).toBe(true);
      expect(moving.every((p, i) => p.done <= p.total && (i === 0 || p.done >= (moving[i - 1]?.done ?? 0)))).toBe(true);

      const row = await s.t.db.productBatch.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({
        kind: "connect-suggestions",
        status: "DONE",
        total: finished.total,
        failed: finished.failed,
      });
      const created = connectionPosts()
        .slice(posts)
        .map((r) => r.body as { variantList: { platformVariantId: string; sku?: string }[] });
      expect(created.flatMap((b) => b.variantList.map((v) => [v.platformVariantId, v.sku]))).toEqual(
        expect.arrayContaining([
          [legacy(gidOf(bottle, 0)), "CJBATCH0001"],
          [legacy(gidOf(bottle, 1)), "CJBATCH0002"],
        ]),
      );
      expect(await link(gidOf(bottle, 1))).toMatchObject({
        source: "APP",
        cjVariantId: "BATCH-VID-2",
        cjPrice: "3.10",
      });

      // The page's loader shows the finished batch with its results.
      expect((await page()).batch).toMatchObject({ id, status: "DONE" });
    } finally {
      s.cj.removeFault(slow.id);
    }
  });
});

describe("blocked orders", () => {
  it("an order stopped by an unconnected variant counts on its row and goes on once the variant is connected here", async () => {
    s.cj.addVariant({
      vid: "LAMP-VID",
      pid: "LAMP-PID",
      sku: "CJLAMP0001",
      nameEn: "Desk Lamp",
      sellPrice: "7.00",
      weight: 900,
    });
    const lamp = s.shopify.addProduct(STACK_SHOP, {
      title: "Desk Lamp",
      variants: [{ sku: "LAMP-OWN-1", price: "29.00" }],
    });
    const variant = lamp.variants[0];
    if (!variant) throw new Error("no variant");
    const order = s.addOrder({ financialStatus: "PAID", lines: [catalogueLine(lamp, variant)] });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    const blocked = await eventually(async () => {
      const line = await s.t.db.orderLine.findFirst({ where: { shopifyVariantGid: variant.id, unconnected: true } });
      return line ?? undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    expect(rowOf(await page(`variant=${encodeURIComponent(variant.id)}`), variant.id)?.blockedOrders).toBe(1);

    const connected = await ok({ intent: "connect", variantGid: variant.id, by: "vid", value: "LAMP-VID" });
    expect(connected.message).toBe(
      "Desk Lamp is connected to CJ variant CJLAMP0001. Orders it blocked, sent on again: 1.",
    );
    expect(await s.t.db.orderEvent.count({ where: { orderId: blocked.orderId, type: "variant_connected" } })).toBe(1);
    const row = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: blocked.orderId }, include: { lines: true } });
      return o?.cjOrderId && o.lines.every((l) => !l.unconnected) ? o : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    // What CJ received: the order, created with the CJ variant the merchant connected.
    const create = s.cj
      .requests({ path: "/shopping/order/createOrderV2" })
      .find((r) => (r.body as { orderNumber?: string }).orderNumber === row.cjOrderNumber);
    expect((create?.body as { products?: unknown[] } | undefined)?.products).toEqual([
      expect.objectContaining({ vid: "LAMP-VID", quantity: 1 }),
    ]);
    expect(rowOf(await page(`variant=${encodeURIComponent(variant.id)}`), variant.id)?.blockedOrders).toBe(0);
  });
});
