import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shopsSchema } from "../../../app/cj/responses.js";
import type { CjEmulator } from "../../emulators/cj/index.js";
import {
  ACCOUNT,
  API_KEY,
  CASE_VID,
  cj,
  control,
  login,
  OPEN_ID,
  orderBody,
  PushReceiver,
  registerWebhooks,
  startTestEmulator,
  TEE_VID,
} from "./harness.js";

type Data = Record<string, unknown>;
const TEE_PID = "1392053744945991680";

describe("CJ emulator: several stores on one account", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator({
      accounts: [
        {
          id: ACCOUNT,
          apiKey: API_KEY,
          openId: OPEN_ID,
          qpsLimit: 50,
          balance: "100.00",
          shops: [
            { shopId: "shop-a", storeName: "alpha-store", platform: "shopify" },
            { shopId: "shop-b", storeName: "beta-store.myshopify.com", platform: "shopify", shopName: "Beta" },
          ],
        },
      ],
    });
    token = await login(emulator);
  });
  afterEach(async () => {
    await emulator.close();
  });

  it("getShops answers every store with the fields the client reads", async () => {
    const answer = await cj(emulator, "/shop/getShops", { token });
    expect(answer.json.code).toBe(200);
    expect(answer.json.data).toEqual([
      {
        shopId: "shop-a",
        shopName: "alpha-store",
        storeName: "alpha-store",
        platform: "shopify",
        shopUrl: "https://alpha-store.myshopify.com",
      },
      {
        shopId: "shop-b",
        shopName: "Beta",
        storeName: "beta-store.myshopify.com",
        platform: "shopify",
        shopUrl: "https://beta-store.myshopify.com",
      },
    ]);
    const parsed = shopsSchema.parse(answer.json.data);
    expect(parsed.map((s) => s.storeName)).toEqual(["alpha-store", "beta-store.myshopify.com"]);
  });

  it("a control route adds a store unless it is there; createOrderV2 refuses a storeName of no store", async () => {
    const added = await control(emulator, "/accounts/shops", {
      body: { accountId: ACCOUNT, shopId: "shop-c", storeName: "gamma-store", platform: "shopify" },
    });
    expect(added.status).toBe(200);
    expect((added.json as { shops: Data[] }).shops.map((s) => s.shopId)).toEqual(["shop-a", "shop-b", "shop-c"]);
    const again = await control(emulator, "/accounts/shops", {
      body: { accountId: ACCOUNT, storeName: "gamma-store", shopName: "renamed" },
    });
    expect((again.json as { shops: Data[] }).shops).toHaveLength(3);
    expect((again.json as { shops: Data[] }).shops[2]).toMatchObject({ shopId: "shop-c", shopName: "gamma-store" });
    expect((await control(emulator, "/accounts/shops", { body: { accountId: "nobody", storeName: "x" } })).status).toBe(
      400,
    );
    expect((await control(emulator, "/accounts/shops", { body: { accountId: ACCOUNT } })).status).toBe(400);
    const shops = await cj(emulator, "/shop/getShops", { token });
    expect((shops.json.data as Data[]).map((s) => s.storeName)).toEqual([
      "alpha-store",
      "beta-store.myshopify.com",
      "gamma-store",
    ]);

    for (const storeName of ["alpha-store", "beta-store.myshopify.com", "gamma-store", ""]) {
      const ok = await cj(emulator, "/shopping/order/createOrderV2", {
        token,
        body: orderBody({ orderNumber: `store-${storeName || "none"}`, storeName }),
      });
      expect(ok.json.code).toBe(200);
    }
    expect(emulator.order("store-gamma-store")?.storeName).toBe("gamma-store");

    const refused = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "store-unknown", storeName: "Alpha-Store" }),
    });
    expect(refused.json).toMatchObject({ code: 1600100, result: false });
    const lookup = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "store-unknown" } });
    expect(lookup.json.code).toBe(1600300);
  });
});

describe("CJ emulator: product connections", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(async () => {
    await emulator.close();
  });

  const list = async (query: Record<string, string> = {}) => cj(emulator, "/product/conn/connection", { token, query });
  const page = (answer: Awaited<ReturnType<typeof list>>) =>
    answer.json.data as { pageNum: number; pageSize: number; total: number; list: Data[] };

  it("lists a page {pageNum, pageSize, total, list} with or without paging parameters, and filters", async () => {
    for (let i = 1; i <= 25; i++) {
      emulator.connect({
        accountId: ACCOUNT,
        vid: i % 2 === 0 ? TEE_VID : CASE_VID,
        platformProductId: `P-${i}`,
        platformVariantId: `V-${i}`,
        sku: `STORE-${i}`,
      });
    }
    const first = page(await list());
    expect(first).toMatchObject({ pageNum: 1, pageSize: 20, total: 25 });
    expect(first.list).toHaveLength(20);
    expect(first.list[0]).toMatchObject({ platformProductId: "P-1", platformVariantId: "V-1", sku: "STORE-1" });
    const second = page(await list({ pageNum: "2" }));
    expect(second).toMatchObject({ pageNum: 2, pageSize: 20, total: 25 });
    expect(second.list.map((c) => c.platformVariantId)).toEqual(["V-21", "V-22", "V-23", "V-24", "V-25"]);
    expect(page(await list({ pageNum: "3", pageSize: "10" })).list).toHaveLength(5);
    expect(page(await list({ pageNum: "4" })).list).toEqual([]);
    const capped = page(await list({ pageSize: "500" }));
    expect(capped).toMatchObject({ pageSize: 100, total: 25 });
    expect(capped.list).toHaveLength(25);
    const bads: Record<string, string>[] = [
      { pageNum: "0" },
      { pageSize: "0" },
      { pageNum: "x" },
      { pageSize: "-5" },
      { pageNum: "1.5" },
    ];
    for (const bad of bads) {
      expect((await list(bad)).json.code).toBe(1600100);
    }
    const byProduct = page(await list({ platformProductId: "P-3" }));
    expect(byProduct).toMatchObject({ total: 1, list: [{ cjVariantId: CASE_VID, sku: "STORE-3" }] });
    expect(page(await list({ platformVariantId: "V-4" })).list).toMatchObject([{ cjVariantId: TEE_VID }]);
    expect(page(await list({ platformProductId: "P-3", platformVariantId: "V-4" })).total).toBe(0);
  });

  it("POST keeps an item's optional store sku", async () => {
    const created = await cj(emulator, "/product/conn/connection", {
      token,
      body: {
        cjProductId: TEE_PID,
        platformProductId: "gid-P-1",
        variantList: [
          { cjVariantId: TEE_VID, platformVariantId: "gid-V-1", sku: "TEE-WHITE-M" },
          { cjVariantId: "439FC05B-1311-4349-87FA-1E1EF942C418", platformVariantId: "gid-V-2" },
        ],
      },
    });
    expect(created.json.code).toBe(200);
    expect(page(await list({ platformProductId: "gid-P-1" })).list.map((c) => c.sku)).toEqual(["TEE-WHITE-M", null]);
  });

  it("deleting a connection a waiting incomplete order needs leaves it waiting", async () => {
    const receiver = await new PushReceiver().start();
    try {
      await registerWebhooks(emulator, token, receiver.url);
      const created = await cj(emulator, "/shopping/order/createOrderV2", {
        token,
        body: orderBody({
          orderNumber: "wait-1",
          orderFlow: 2,
          products: [
            { sku: "SKU-A", quantity: 1, storeLineItemId: "line-a" },
            { sku: "SKU-B", quantity: 1, storeLineItemId: "line-b" },
          ],
        }),
      });
      expect(created.json.data).not.toHaveProperty("orderId");
      const connect = (sku: string, variant: string) =>
        cj(emulator, "/product/conn/connection", {
          token,
          body: {
            cjProductId: TEE_PID,
            platformProductId: "gid-P-wait",
            variantList: [{ cjVariantId: TEE_VID, platformVariantId: variant, sku }],
          },
        });
      expect((await connect("SKU-A", "gid-V-a")).json.code).toBe(200);
      const deleted = await cj(emulator, "/product/conn/connection", {
        method: "DELETE",
        token,
        query: { platformVariantId: "gid-V-a" },
      });
      expect(deleted.json).toMatchObject({ code: 200, data: true });
      // SKU-B connected, but SKU-A's connection is gone: the order still waits.
      expect((await connect("SKU-B", "gid-V-b")).json.code).toBe(200);
      await emulator.flushPushes();
      const detail = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "wait-1" } });
      expect(detail.json.data).toMatchObject({ isComplete: 0 });
      expect((detail.json.data as { productList: Data[] }).productList.map((l) => l.vid)).toEqual([null, null]);
      expect(receiver.of("ORDER", "ORDER_CONNNECTED")).toHaveLength(0);

      // Connected again: the order completes.
      expect((await connect("SKU-A", "gid-V-a")).json.code).toBe(200);
      await emulator.flushPushes();
      expect(receiver.of("ORDER", "ORDER_CONNNECTED")).toHaveLength(1);
      const done = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "wait-1" } });
      expect(done.json.data).toMatchObject({ isComplete: 1 });
    } finally {
      await receiver.close();
    }
  });
});
