/**
 * A fake of what the Shopify admin hands an order-details extension: `shopify.data.selected`, `shopify.auth.idToken`,
 * `shopify.close`, and a `fetch` that plays the app's api.* routes from a table of orders (so the extension's real
 * HTTP client runs). Orders are built from database-shaped rows through the server's own `toOrderView`.
 */
import { render } from "preact";
import type { ExtensionOrderView, ExtensionQuotesResponse } from "../../../app/extension-api/contract";
import { toOrderView } from "../../../app/extension-api/order-view.server";

type Row = Parameters<typeof toOrderView>[0];

export const GID = "gid://shopify/Order/5551001";

export function orderRow(overrides: Partial<Row> = {}): Row {
  const now = new Date("2026-11-23T14:05:00Z");
  return {
    id: "ord_1",
    shopId: "shop_1",
    shopifyOrderGid: GID,
    shopifyOrderName: "#1001",
    state: "RECEIVED",
    financialStatus: "paid",
    customerName: null,
    customerEmail: null,
    countryCode: "US",
    currency: "USD",
    totalPrice: "40.00",
    snapshot: null,
    shopifyUpdatedAt: now,
    cjOrderNumber: null,
    cjOrderId: null,
    cjShipmentOrderId: null,
    cjStatus: null,
    cjSplitOrders: null,
    cjPayUrl: null,
    cjPayId: null,
    productAmount: null,
    postageAmount: null,
    orderAmount: null,
    paidAmount: null,
    logisticName: null,
    freightQuote: null,
    trackingNumber: null,
    trackingUrl: null,
    trackingStatus: null,
    errorReason: null,
    approvedAt: null,
    chosenLogisticName: null,
    lastPolledAt: null,
    nextPollAt: null,
    attempts: 0,
    nextAttemptAt: null,
    lockedUntil: null,
    submittedAt: null,
    paidAt: null,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
    lines: [],
    events: [
      {
        id: "ev_1",
        orderId: "ord_1",
        at: now,
        actor: "webhook",
        type: "received",
        fromState: null,
        toState: "RECEIVED",
        message: "Order received from Shopify",
        cjRequestId: null,
        data: null,
      },
    ],
    fulfillments: [],
    ...overrides,
  } as Row;
}

export const view = (overrides: Partial<Row> = {}) => toOrderView(orderRow(overrides));

interface Call {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

export function fakeAdmin(options: {
  order: ExtensionOrderView | null;
  quotes?: ExtensionQuotesResponse;
  /** The app's answer to a POST; default: a success carrying `order`. */
  answer?: (call: Call) => { status: number; body: unknown };
  selected?: { id: string }[];
}) {
  const calls: Call[] = [];
  let closed = 0;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input), "https://app.example");
    const headers = new Headers(init?.headers);
    const call: Call = {
      method: init?.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      authorization: headers.get("Authorization"),
    };
    calls.push(call);
    if (call.method === "GET" && url.pathname === "/api/orders/lookup") {
      return json(200, { order: options.order });
    }
    if (call.method === "GET" && url.pathname.endsWith("/quotes")) {
      return json(200, options.quotes ?? { options: [], chosen: null, unmapped: [], errors: [] });
    }
    if (options.answer) {
      const a = options.answer(call);
      return json(a.status, a.body);
    }
    return json(200, { message: "Done.", queued: true, order: options.order });
  }) as typeof fetch;
  const host = {
    data: { selected: options.selected ?? [{ id: GID }] },
    auth: { idToken: async () => "test.session.token" },
    close: () => {
      closed += 1;
    },
  };
  return { host, fetch: fetchImpl, calls, closed: () => closed };
}

export function mount(vnode: preact.ComponentChild) {
  const container = document.createElement("div");
  document.body.appendChild(container);
  render(vnode, container);
  return {
    container,
    /** The text as a reader would meet it: each text node once, separated by a space. */
    text: () => {
      const parts: string[] = [];
      const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.textContent ?? "");
      return parts
        .map((p) => p.trim())
        .filter(Boolean)
        .join(" ");
    },
    all: (selector: string) => [...container.querySelectorAll(selector)] as HTMLElement[],
    button: (label: string) => {
      const found = [...container.querySelectorAll("s-button")].find((b) => b.textContent?.includes(label));
      if (!found) throw new Error(`no button "${label}" in: ${container.innerHTML}`);
      return found as HTMLElement;
    },
    unmount: () => {
      render(null, container);
      container.remove();
    },
  };
}
