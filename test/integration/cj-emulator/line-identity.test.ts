import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, CASE_VID, cj, login, orderBody, startTestEmulator, TEE_VID } from "./harness.js";

type Data = Record<string, unknown>;

const TEE_SKU = "CJCF104237201AZ";
const CASE_SKU = "CJJT169305601AZ";
const PATHS = ["/shopping/order/createOrderV2", "/shopping/order/createOrderV3"] as const;

describe("CJ emulator: line identity (vid and sku must refer to the same variant, seed 002 §1.1)", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator({
      connections: [
        { accountId: ACCOUNT, sku: "SHOP-TEE", vid: TEE_VID },
        { accountId: ACCOUNT, sku: "SHOP-CASE", vid: CASE_VID },
      ],
    });
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  const create = (path: string, body: Data) => cj(emulator, path, { token, body });
  const refusedWith = (answer: Awaited<ReturnType<typeof create>>, message: string) =>
    expect(answer.json).toEqual({ code: 1600100, result: false, message, data: null, requestId: expect.any(String) });

  for (const path of PATHS) {
    it(`${path}, orderFlow 1: the sku must be the vid's CJ SKU`, async () => {
      const same = await create(
        path,
        orderBody({ orderNumber: "f1-same", products: [{ vid: TEE_VID, sku: TEE_SKU, quantity: 1 }] }),
      );
      expect(same.json.code).toBe(200);
      expect(emulator.order("f1-same")?.lines[0]).toMatchObject({ vid: TEE_VID, sku: TEE_SKU });

      const other = await create(
        path,
        orderBody({
          orderNumber: "f1-other",
          products: [
            { vid: CASE_VID, quantity: 1 },
            { vid: TEE_VID, sku: CASE_SKU, quantity: 1 },
          ],
        }),
      );
      refusedWith(other, "products[1]: vid and sku refer to different variants");
      // A store SKU is not a CJ SKU in the manual flow, even when connected.
      const store = await create(
        path,
        orderBody({ orderNumber: "f1-store", products: [{ vid: TEE_VID, sku: "SHOP-TEE", quantity: 1 }] }),
      );
      refusedWith(store, "products[0]: vid and sku refer to different variants");
      expect(emulator.order("f1-other")).toBeUndefined();
      expect(emulator.order("f1-store")).toBeUndefined();
    });

    it(`${path}, orderFlow 2: the store SKU must be connected to the vid, or be its CJ SKU`, async () => {
      const flow2 = (orderNumber: string, products: Data[]) =>
        create(path, orderBody({ orderNumber, orderFlow: 2, products }));
      const connected = await flow2("f2-connected", [{ vid: TEE_VID, sku: "SHOP-TEE", quantity: 1 }]);
      expect(connected.json.code).toBe(200);
      expect((connected.json.data as Data).orderId).toEqual(expect.any(String));
      const cjSku = await flow2("f2-cj-sku", [{ vid: CASE_VID, sku: CASE_SKU, quantity: 1 }]);
      expect(cjSku.json.code).toBe(200);
      expect(emulator.order("f2-connected")?.lines[0]).toMatchObject({ vid: TEE_VID, sku: "SHOP-TEE" });
      expect(emulator.order("f2-cj-sku")?.isComplete).toBe(true);

      // Connected, but to another variant.
      const crossed = await flow2("f2-crossed", [{ vid: TEE_VID, sku: "SHOP-CASE", quantity: 1 }]);
      refusedWith(crossed, "products[0]: vid and sku refer to different variants");
      // Not connected at all, and not a CJ SKU.
      const unknown = await flow2("f2-unknown", [
        { vid: TEE_VID, sku: "SHOP-TEE", quantity: 1 },
        { vid: CASE_VID, sku: "SHOP-NEVER-CONNECTED", quantity: 1 },
      ]);
      refusedWith(unknown, "products[1]: vid and sku refer to different variants");
      // Another variant's CJ SKU.
      const otherCjSku = await flow2("f2-other-cj-sku", [{ vid: TEE_VID, sku: CASE_SKU, quantity: 1 }]);
      refusedWith(otherCjSku, "products[0]: vid and sku refer to different variants");

      expect(emulator.state.orders.map((o) => o.orderNumber).sort()).toEqual(["f2-cj-sku", "f2-connected"]);
      expect(emulator.state.incompleteOrders).toEqual([]);
      // Refused requests are recorded with their answer, as every request is.
      const refused = emulator.requests({ path }).filter((r) => r.code === 1600100);
      expect(refused).toHaveLength(3);
      expect(refused.map((r) => (r.body as Data).orderNumber)).toEqual(["f2-crossed", "f2-unknown", "f2-other-cj-sku"]);
    });
  }

  it("orderFlow 2 with a sku alone still resolves through connections or leaves the order incomplete", async () => {
    const byStoreSku = await create(
      PATHS[0],
      orderBody({ orderNumber: "f2-sku-only", orderFlow: 2, products: [{ sku: "SHOP-CASE", quantity: 1 }] }),
    );
    expect(byStoreSku.json.code).toBe(200);
    expect(emulator.order("f2-sku-only")?.lines[0]?.vid).toBe(CASE_VID);
    const unconnected = await create(
      PATHS[0],
      orderBody({
        orderNumber: "f2-waiting",
        orderFlow: 2,
        payType: 3,
        products: [{ sku: "SHOP-LATER", quantity: 1 }],
      }),
    );
    expect(unconnected.json.code).toBe(200);
    expect(unconnected.json.data).not.toHaveProperty("orderId");
    expect(emulator.order("f2-waiting")?.isComplete).toBe(false);
  });

  it("an unknown vid is still 1602000, whatever the sku", async () => {
    const answer = await create(
      PATHS[0],
      orderBody({
        orderNumber: "bad-vid",
        orderFlow: 2,
        products: [{ vid: "NO-SUCH-VID", sku: "SHOP-TEE", quantity: 1 }],
      }),
    );
    expect(answer.json).toMatchObject({ code: 1602000, result: false });
  });
});
