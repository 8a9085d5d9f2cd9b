/**
 * The onboarding's sandbox test order: the merchant picks a connected variant, and the app drives one CJ sandbox
 * order (`isSandbox: 1`, create only) through CJ's sandbox to "shipped": create → `sandbox/simulatePay` →
 * `sandbox/updateStatus` 500 → read back with getOrderDetail. No Shopify order exists for it and no customer order
 * is touched; every step is recorded on the CjTestOrder row (shown on the home page). Run by the
 * `sandbox-test-order` job, so a slow CJ never holds the page.
 */
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import { cjShopTag } from "../fulfillment/mapping";
import { quoteFreight } from "../fulfillment/quotes.server";
import type { JobQueue } from "../jobs/queue";
import type { ShopPorts } from "../runtime/deps.server";
import { OnboardingError } from "./onboarding.server";

/** A sandbox order needs a real-looking destination: CJ's sandbox ships nothing, so this address is never used. */
const TEST_ADDRESS = {
  shippingCountryCode: "US",
  shippingCountry: "United States",
  shippingProvince: "California",
  shippingCity: "Los Angeles",
  shippingAddress: "1 Test Order Way",
  shippingZip: "90001",
  shippingCustomerName: "Sandbox Test",
  shippingPhone: "+12135550100",
};

interface Step {
  at: string;
  step: string;
  message: string;
}

export async function startTestOrder(
  deps: { db: Db; queue: JobQueue },
  shopId: string,
  variantGid: string,
): Promise<{ id: string }> {
  const link = await deps.db.variantLink.findUnique({
    where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid: variantGid } },
  });
  if (!link?.cjVariantId) throw new OnboardingError("Choose a variant that is connected to CJ (Products page).");
  const running = await deps.db.cjTestOrder.findFirst({
    where: {
      shopId,
      status: { in: ["CREATING", "CREATED", "PAID"] },
      updatedAt: { gt: new Date(Date.now() - 10 * 60_000) },
    },
  });
  if (running) return { id: running.id };
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const row = await deps.db.cjTestOrder.create({
    data: {
      shopId,
      vid: link.cjVariantId,
      cjOrderNumber: `T${cjShopTag(shop.domain)}-${Date.now().toString(36)}`,
      steps: JSON.stringify([
        {
          at: new Date().toISOString(),
          step: "start",
          message: `Test order for ${link.sku ?? link.cjSku ?? link.cjVariantId}.`,
        },
      ]),
    },
    select: { id: true },
  });
  await deps.queue.enqueue("sandbox-test-order", { testOrderId: row.id }, { singletonKey: `test-order:${row.id}` });
  return row;
}

/** Drives a test order as far as it goes; a step CJ refuses ends it as FAILED with CJ's answer. */
export async function runTestOrder(
  deps: { db: Db; ports: Pick<ShopPorts, "cj"> },
  testOrderId: string,
): Promise<string> {
  const { db } = deps;
  const row = await db.cjTestOrder.findUnique({
    where: { id: testOrderId },
    include: { shop: { include: { settings: true } } },
  });
  if (!row || row.status === "SHIPPED" || row.status === "FAILED") return row?.status ?? "missing";
  const steps = JSON.parse(row.steps) as Step[];
  const record = async (step: string, message: string, data: Record<string, unknown>) => {
    steps.push({ at: new Date().toISOString(), step, message });
    await db.cjTestOrder.update({ where: { id: row.id }, data: { ...data, steps: JSON.stringify(steps) } });
  };
  const cj = await deps.ports.cj(row.shopId);
  let cjOrderId = row.cjOrderId;
  try {
    if (row.status === "CREATING") {
      const settings = row.shop.settings;
      const quotes = await quoteFreight(cj, {
        fromCountryCode: settings?.fromCountryCode ?? "CN",
        countryCode: TEST_ADDRESS.shippingCountryCode,
        zip: TEST_ADDRESS.shippingZip,
        lines: [{ sku: null, shopifyVariantId: null, quantity: 1, vid: row.vid }],
      });
      const logisticName = quotes.options[0]?.logisticName;
      if (!logisticName)
        throw new OnboardingError("CJ offers no shipping method to the test address for this variant.");
      const outcome = await cj.orders.createOrderV2({
        orderNumber: row.cjOrderNumber,
        ...TEST_ADDRESS,
        logisticName,
        fromCountryCode: settings?.fromCountryCode ?? "CN",
        platform: "shopify",
        orderFlow: 2,
        payType: 3,
        isSandbox: 1,
        ...(settings?.storeName ? { storeName: settings.storeName } : {}),
        products: [{ vid: row.vid, quantity: 1 }],
      });
      cjOrderId = outcome.orderId;
      if (!cjOrderId) {
        throw new OnboardingError(
          "CJ created the sandbox order without an order id (it could not match the variant): check the variant's connection on the Products page, then send the test order again.",
        );
      }
      await record("created", `CJ sandbox order ${cjOrderId} created (${logisticName}).`, {
        status: "CREATED",
        cjOrderId,
      });
    }
    if (!cjOrderId) throw new OnboardingError("The test order has no CJ order id.");
    const current = await db.cjTestOrder.findUniqueOrThrow({ where: { id: row.id }, select: { status: true } });
    if (current.status === "CREATED") {
      await cj.orders.simulatePay({ orderId: cjOrderId });
      await record("paid", "Paid with CJ's simulated payment (sandbox/simulatePay): no money moved.", {
        status: "PAID",
      });
    }
    const detail = await cj.orders.findOrder(cjOrderId);
    if (detail?.orderStatus !== "SHIPPED") {
      await cj.orders.updateSandboxStatus({ orderId: cjOrderId, targetStatus: 500 });
    }
    const shipped = await cj.orders.findOrder(cjOrderId);
    if (shipped?.orderStatus !== "SHIPPED") {
      throw new OnboardingError(
        `CJ reports the sandbox order as ${shipped?.orderStatus ?? "unknown"}, not shipped: send the test order again; if it stays so, CJ's sandbox is not available for this account (contact CJ).`,
      );
    }
    await record(
      "shipped",
      `CJ's sandbox shipped it${shipped.trackNumber ? ` with tracking number ${shipped.trackNumber}` : ""}: orders, payment and tracking work for this account.`,
      { status: "SHIPPED", error: null },
    );
    return "SHIPPED";
  } catch (error) {
    const message =
      error instanceof CjApiError
        ? `CJ refused it (CJ ${error.code}: ${error.message}). Fix what CJ names (the variant on the Products page, the store name), then send the test order again`
        : error instanceof OnboardingError
          ? error.message
          : null;
    if (message === null) throw error; // transport trouble: the job tries again
    await record("failed", message, { status: "FAILED", error: message });
    return "FAILED";
  }
}
