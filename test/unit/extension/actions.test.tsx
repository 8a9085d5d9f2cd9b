// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { afterEach, describe, expect, it } from "vitest";
import type { ExtensionOrderView } from "../../../app/extension-api/contract";
import { createBackend } from "../../../extensions/cj-order/src/backend";
import { OrderActions } from "../../../extensions/cj-order/src/OrderActions";
import { fakeAdmin, mount, view } from "./fake-admin";

let mounted: ReturnType<typeof mount> | undefined;
afterEach(() => mounted?.unmount());

async function openAction(
  order: ExtensionOrderView | null,
  options: Omit<Parameters<typeof fakeAdmin>[0], "order"> = {},
) {
  const admin = fakeAdmin({ order, ...options });
  mounted = mount(<OrderActions host={admin.host} backend={createBackend(admin.host, { fetch: admin.fetch })} />);
  const m = mounted;
  await expect.poll(() => m.all("s-admin-action")[0]?.hasAttribute("loading") ?? true).toBe(false);
  const buttons = () => m.all("s-button").map((b) => [b.getAttribute("slot"), b.textContent]);
  const posts = () => admin.calls.filter((c) => c.method === "POST");
  return { ...m, admin, buttons, posts };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("the order-details action", () => {
  it.each([
    ["RECEIVED", {}, ["Forward to CJ now", "Re-quote shipping"]],
    [
      "HELD",
      { errorReason: "Order total 900.00 is over your cap of 500.00" },
      ["Approve held order", "Re-quote shipping"],
    ],
    ["NEEDS_ATTENTION", { errorReason: "No CJ variant for SKU X" }, ["Forward to CJ now", "Re-quote shipping"]],
    ["FAILED", { errorReason: "CJ answered 500" }, ["Forward to CJ now", "Re-quote shipping"]],
    ["AWAITING_PAYMENT", { cjOrderId: "CJ1", orderAmount: "23.45" }, ["Pay with CJ balance", "Refresh from CJ"]],
    ["SUBMITTED", { cjOrderId: "CJ1", orderAmount: "23.45" }, ["Pay with CJ balance", "Refresh from CJ"]],
    ["PAID", { cjOrderId: "CJ1", paidAt: new Date() }, ["Refresh from CJ"]],
    ["SHIPPED", { cjOrderId: "CJ1", paidAt: new Date() }, ["Refresh from CJ"]],
    ["DELIVERED", { cjOrderId: "CJ1", paidAt: new Date() }, []],
    ["CANCELLED", {}, []],
  ] as const)("offers what a %s order allows", async (state, extra, expected) => {
    const m = await openAction(view({ state, ...extra }));
    const offered = m.all("s-button").filter((b) => !b.hasAttribute("slot"));
    expect(offered.map((b) => b.textContent)).toEqual(expected);
    if (expected.length === 0) expect(m.text()).toContain("Nothing to do for this order right now.");
    expect(m.all("s-admin-action")[0]?.getAttribute("heading")).toBe("CJ Dropshipping — #1001");
  });

  it("forward now: asks first, sends nothing until confirmed, then shows the app's answer and closes on Done", async () => {
    const m = await openAction(view({ state: "RECEIVED" }), {
      answer: () => ({
        status: 200,
        body: { message: "#1001 is being forwarded to CJ.", queued: true, order: view({ state: "SUBMITTED" }) },
      }),
    });
    m.button("Forward to CJ now").click();
    await settle();
    expect(m.text()).toContain("Send #1001 to CJ now?");
    expect(m.buttons()).toEqual([
      ["primary-action", "Forward now"],
      ["secondary-actions", "Back"],
    ]);
    expect(m.posts()).toHaveLength(0);

    m.button("Forward now").click();
    await expect.poll(() => m.text()).toContain("#1001 is being forwarded to CJ.");
    expect(m.posts()).toEqual([
      {
        method: "POST",
        path: "/api/orders/ord_1/actions",
        body: { action: "forward" },
        authorization: "Bearer test.session.token",
      },
    ]);
    expect(m.all("s-badge")[0]?.textContent).toBe("Sent to CJ");
    m.button("Done").click();
    expect(m.admin.closed()).toBe(1);
  });

  it("Back from a confirmation returns to the menu without calling the app", async () => {
    const m = await openAction(view({ state: "HELD", errorReason: "High risk of fraud." }));
    m.button("Approve held order").click();
    await settle();
    expect(m.text()).toContain("Approve #1001? It was held because: High risk of fraud.");
    m.button("Back").click();
    await settle();
    expect(m.button("Approve held order")).toBeTruthy();
    expect(m.posts()).toHaveLength(0);
  });

  it("approve held: posts the approve action after confirmation", async () => {
    const m = await openAction(view({ state: "HELD", errorReason: "High risk of fraud." }));
    m.button("Approve held order").click();
    await settle();
    m.button("Approve and forward").click();
    await expect.poll(() => m.posts().length).toBe(1);
    expect(m.posts()[0]?.body).toEqual({ action: "approve" });
  });

  it("pay with balance: the confirmation states the amount; a refusal from the app is shown in words", async () => {
    const m = await openAction(view({ state: "AWAITING_PAYMENT", cjOrderId: "CJ1", orderAmount: "23.45" }), {
      answer: () => ({ status: 409, body: { error: "Nothing to pay: the order is PAID." } }),
    });
    m.button("Pay with CJ balance").click();
    await settle();
    expect(m.text()).toContain("Pay USD 23.45 from your CJ balance for #1001?");
    m.button("Pay USD 23.45").click();
    await expect.poll(() => m.all("s-banner").length).toBe(1);
    expect(m.posts()[0]?.body).toEqual({ action: "pay" });
    expect(m.all("s-banner")[0]?.getAttribute("tone")).toBe("critical");
    expect(m.text()).toContain("Nothing to pay: the order is PAID.");
    expect(m.button("Back")).toBeTruthy();
  });

  it("re-quote: lists CJ's options cheapest first with the current one marked, and posts the pick after confirming", async () => {
    const m = await openAction(view({ state: "RECEIVED", chosenLogisticName: "USPS+" }), {
      quotes: {
        options: [
          { logisticName: "CJPacket Ordinary", price: "4.35", aging: "7-12", source: "freightCalculate" },
          { logisticName: "USPS+", price: "6.10", aging: "5-8", source: "freightCalculate" },
        ],
        chosen: "USPS+",
        unmapped: [],
        errors: ["partnerFreightCalculate: CJ answered 1600100"],
      },
      answer: (call) => ({
        status: 200,
        body: {
          message: `${(call.body as { logisticName: string }).logisticName} will be used for #1001.`,
          queued: false,
          order: view({ state: "RECEIVED", chosenLogisticName: "CJPacket Ordinary" }),
        },
      }),
    });
    m.button("Re-quote shipping").click();
    await expect.poll(() => m.all("s-button").length).toBe(3);
    expect(m.admin.calls.at(-1)?.path).toBe("/api/orders/ord_1/quotes");
    expect(m.buttons()).toEqual([
      [null, "CJPacket Ordinary · USD 4.35 · 7-12 days"],
      [null, "USPS+ · USD 6.10 · 5-8 days (current)"],
      ["secondary-actions", "Back"],
    ]);
    expect(m.text()).toContain("partnerFreightCalculate: CJ answered 1600100");

    m.button("CJPacket Ordinary").click();
    await settle();
    expect(m.text()).toContain("Use CJPacket Ordinary for #1001?");
    expect(m.posts()).toHaveLength(0);
    m.button("Use this method").click();
    await expect.poll(() => m.text()).toContain("CJPacket Ordinary will be used for #1001.");
    expect(m.posts()).toEqual([
      {
        method: "POST",
        path: "/api/orders/ord_1/quotes",
        body: { logisticName: "CJPacket Ordinary" },
        authorization: "Bearer test.session.token",
      },
    ]);
  });

  it("an order the app does not know: nothing to do, only Close", async () => {
    const m = await openAction(null);
    expect(m.text()).toContain("The app has no record of this order yet");
    expect(m.buttons()).toEqual([["secondary-actions", "Close"]]);
    m.button("Close").click();
    expect(m.admin.closed()).toBe(1);
  });
});
