// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { afterEach, describe, expect, it } from "vitest";
import { createBackend } from "../../../extensions/cj-order/src/backend";
import { OrderBlock } from "../../../extensions/cj-order/src/OrderBlock";
import { fakeAdmin, GID, mount, view } from "./fake-admin";

let mounted: ReturnType<typeof mount> | undefined;
afterEach(() => mounted?.unmount());

async function showBlock(order: ReturnType<typeof view> | null) {
  const admin = fakeAdmin({ order });
  mounted = mount(<OrderBlock host={admin.host} backend={createBackend(admin.host, { fetch: admin.fetch })} />);
  const m = mounted;
  await expect.poll(() => m.all("s-spinner").length).toBe(0);
  return { ...m, admin };
}

const badges = (m: ReturnType<typeof mount>) => m.all("s-badge").map((b) => [b.getAttribute("tone"), b.textContent]);

describe("the order-details block", () => {
  it("asks the app for the selected Shopify order with the session token", async () => {
    const m = await showBlock(view());
    expect(m.admin.calls).toEqual([
      {
        method: "GET",
        path: `/api/orders/lookup?shopifyId=${encodeURIComponent(GID)}`,
        body: undefined,
        authorization: "Bearer test.session.token",
      },
    ]);
  });

  it("a received order: info badge, no CJ order yet, nothing to pay, latest event with its time", async () => {
    const m = await showBlock(view());
    expect(badges(m)).toEqual([
      ["info", "Received"],
      ["neutral", "Not sent to CJ yet"],
    ]);
    expect(m.text()).toContain("CJ order: Not created yet");
    expect(m.text()).toContain("Shipping: Chosen when the order is sent to CJ.");
    expect(m.text()).toContain("Tracking: No tracking number yet.");
    expect(m.text()).toContain("Latest: Order received from Shopify 2026-11-23 14:05 UTC");
    expect(m.all("s-banner")).toHaveLength(0);
    expect(m.all("s-admin-block")[0]?.getAttribute("heading")).toBe("CJ Dropshipping");
  });

  it("a held order: caution badge and the hold reason in plain words", async () => {
    const m = await showBlock(view({ state: "HELD", errorReason: "Shopify rates the order as high risk." }));
    expect(badges(m)[0]).toEqual(["caution", "On hold"]);
    const banner = m.all("s-banner")[0];
    expect(banner?.getAttribute("heading")).toBe("Needs your attention");
    expect(banner?.textContent).toBe(
      "On hold: Shopify rates the order as high risk. Approve the order to send it to CJ anyway.",
    );
  });

  it("an order needing attention: critical badge, the reason and the lines CJ will not get", async () => {
    const m = await showBlock(
      view({
        state: "NEEDS_ATTENTION",
        errorReason: "Line 2 has no SKU; connect the product in CJ or add a SKU",
        lines: [{ title: "Gift card", sku: null, skipReason: "gift card" }] as never,
      }),
    );
    expect(badges(m)[0]).toEqual(["critical", "Needs attention"]);
    const banner = m.all("s-banner")[0];
    expect(banner?.getAttribute("tone")).toBe("critical");
    expect(m.all("s-paragraph").map((p) => p.textContent)).toEqual([
      "Line 2 has no SKU; connect the product in CJ or add a SKU. Fix this, then forward the order again.",
      "Not sent to CJ: Gift card — gift card.",
    ]);
  });

  it("an order awaiting payment: CJ order id, logistics and price, amount due and the pay link", async () => {
    const m = await showBlock(
      view({
        state: "AWAITING_PAYMENT",
        cjOrderId: "CJ2611230001",
        cjOrderNumber: "S1-5551001",
        logisticName: "CJPacket Ordinary",
        postageAmount: "4.35",
        orderAmount: "23.45",
        cjPayUrl: "https://cjdropshipping.com/pay/CJ2611230001",
        freightQuote: JSON.stringify({
          chosen: { logisticName: "CJPacket Ordinary", price: "4.35", aging: "7-12", source: "freightCalculate" },
        }),
      }),
    );
    expect(badges(m)).toEqual([
      ["warning", "Awaiting payment"],
      ["warning", "Unpaid"],
    ]);
    expect(m.text()).toContain("CJ order: CJ2611230001");
    expect(m.text()).toContain("Shipping: CJPacket Ordinary · USD 4.35 · 7-12 days");
    expect(m.text()).toContain("Payment: Unpaid USD 23.45 due to CJ. Pay on CJ");
    const link = m.all("s-link").find((l) => l.textContent === "Pay on CJ");
    expect(link?.getAttribute("href")).toBe("https://cjdropshipping.com/pay/CJ2611230001");
  });

  it("a shipped order: paid with amount and date, every tracking number linked", async () => {
    const m = await showBlock(
      view({
        state: "PARTIALLY_FULFILLED",
        cjOrderId: "CJ2611230001",
        logisticName: "CJPacket Ordinary",
        orderAmount: "23.45",
        paidAmount: "23.45",
        paidAt: new Date("2026-11-23T15:00:00Z"),
        trackingNumber: "CJPKL7160102171YQ",
        fulfillments: [
          {
            trackingNumber: "CJPKL7160102171YQ",
            syncedNumber: "CJPKL7160102171YQ",
            company: "CJPacket",
            url: "https://t.17track.net/en#nums=CJPKL7160102171YQ",
            status: "CREATED",
          },
          {
            trackingNumber: "YT2233445566",
            syncedNumber: "9400111899223344556677",
            company: "USPS",
            url: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223344556677",
            status: "CREATED",
          },
        ] as never,
      }),
    );
    expect(badges(m)).toEqual([
      ["success", "Partially fulfilled"],
      ["success", "Paid"],
    ]);
    expect(m.text()).toContain("Payment: Paid USD 23.45 paid on 2026-11-23 15:00 UTC.");
    expect(m.all("s-link").map((l) => [l.textContent, l.getAttribute("href")])).toEqual([
      ["CJPKL7160102171YQ (CJPacket)", "https://t.17track.net/en#nums=CJPKL7160102171YQ"],
      ["9400111899223344556677 (USPS)", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223344556677"],
    ]);
  });

  it("a delivered order: success badge, no attention banner", async () => {
    const m = await showBlock(
      view({ state: "DELIVERED", cjOrderId: "CJ1", paidAt: new Date("2026-11-20T10:00:00Z"), orderAmount: "9.99" }),
    );
    expect(badges(m)[0]).toEqual(["success", "Delivered"]);
    expect(m.all("s-banner")).toHaveLength(0);
  });

  it("a cancelled order: neutral badge and why it was cancelled", async () => {
    const m = await showBlock(view({ state: "CANCELLED", errorReason: "Cancelled in Shopify before CJ shipped" }));
    expect(badges(m)).toEqual([
      ["neutral", "Cancelled"],
      ["neutral", "Cancelled"],
    ]);
    expect(m.all("s-banner")[0]?.textContent).toBe("Cancelled: Cancelled in Shopify before CJ shipped.");
  });

  it("a failed order: critical badge and the retry hint", async () => {
    const m = await showBlock(view({ state: "FAILED", errorReason: "CJ answered 1600100: Param error" }));
    expect(badges(m)[0]).toEqual(["critical", "Failed"]);
    expect(m.all("s-banner")[0]?.textContent).toBe(
      "Forwarding failed: CJ answered 1600100: Param error. Forward the order again to retry.",
    );
  });

  it("an order the app does not know: says so instead of showing another shop's data or an error", async () => {
    const m = await showBlock(null);
    expect(m.all("s-badge")).toHaveLength(0);
    expect(m.text()).toContain("The app has no record of this order yet.");
  });

  it("an error from the app is shown in words, not thrown", async () => {
    const admin = fakeAdmin({ order: null });
    const failing = (async () =>
      new Response(JSON.stringify({ error: "Missing session token" }), { status: 401 })) as typeof fetch;
    mounted = mount(<OrderBlock host={admin.host} backend={createBackend(admin.host, { fetch: failing })} />);
    const m = mounted;
    await expect.poll(() => m.all("s-banner").length).toBe(1);
    expect(m.all("s-banner")[0]?.getAttribute("heading")).toBe("Could not load the CJ order");
    expect(m.text()).toContain("Missing session token");
  });
});
