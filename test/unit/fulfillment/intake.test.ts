/** Order webhooks → which job starts (app/fulfillment/intake.server.ts); payload checks name the field. */
import { describe, expect, it } from "vitest";
import { nextJob, type OrderWebhookPayload, parseOrderPayload } from "../../../app/fulfillment/intake.server";

const payload = (overrides: Partial<OrderWebhookPayload> = {}): OrderWebhookPayload => ({
  admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
  name: "#9999",
  updated_at: "2026-03-01T10:05:00-05:00",
  financial_status: "paid",
  ...overrides,
});
const pending = payload({ financial_status: "pending" });
const paid = payload();

describe("nextJob", () => {
  const table: [topic: string, order: OrderWebhookPayload, state: string, trigger: string, job: string | null][] = [
    // orders/paid forwards under any automatic trigger.
    ["orders/paid", paid, "RECEIVED", "ON_PAYMENT", "forward-order"],
    ["ORDERS_PAID", paid, "RECEIVED", "ON_CREATION", "forward-order"],
    ["orders/paid", paid, "HELD", "ON_PAYMENT", "forward-order"],
    ["orders/paid", paid, "NEEDS_ATTENTION", "ON_PAYMENT", "forward-order"],
    ["orders/paid", paid, "FAILED", "ON_PAYMENT", "forward-order"],
    // orders/create: on creation, or already paid.
    ["orders/create", pending, "RECEIVED", "ON_CREATION", "forward-order"],
    ["orders/create", pending, "RECEIVED", "ON_PAYMENT", null],
    ["orders/create", paid, "RECEIVED", "ON_PAYMENT", "forward-order"],
    ["orders/create", payload({ financial_status: "partially_refunded" }), "RECEIVED", "ON_PAYMENT", "forward-order"],
    ["orders/create", payload({ financial_status: "authorized" }), "RECEIVED", "ON_PAYMENT", null],
    // orders/updated and orders/edited before submission re-map the order.
    ["orders/updated", paid, "HELD", "ON_PAYMENT", "forward-order"],
    ["orders/updated", pending, "RECEIVED", "ON_PAYMENT", null],
    ["orders/updated", pending, "RECEIVED", "ON_CREATION", "forward-order"],
    ["orders/edited", paid, "NEEDS_ATTENTION", "ON_PAYMENT", "forward-order"],
    // Once at CJ, only a cancellation starts anything.
    ["orders/paid", paid, "SUBMITTED", "ON_PAYMENT", null],
    ["orders/updated", paid, "AWAITING_PAYMENT", "ON_CREATION", null],
    ["orders/paid", paid, "PAID", "ON_PAYMENT", null],
    ["orders/paid", paid, "CANCELLED", "ON_PAYMENT", null],
    // Manual shops: nothing automatic, but a cancellation still reaches CJ.
    ["orders/paid", paid, "RECEIVED", "MANUAL", null],
    ["orders/create", paid, "RECEIVED", "MANUAL", null],
    ["orders/cancelled", paid, "RECEIVED", "MANUAL", "cancel-order"],
    // Cancellations, by topic or by a cancelled_at on any topic, in any state.
    ["orders/cancelled", paid, "SUBMITTED", "ON_PAYMENT", "cancel-order"],
    ["ORDERS_CANCELLED", pending, "RECEIVED", "ON_PAYMENT", "cancel-order"],
    ["orders/updated", payload({ cancelled_at: "2026-03-01T11:00:00Z" }), "PAID", "ON_PAYMENT", "cancel-order"],
    ["orders/paid", payload({ cancelled_at: "2026-03-01T11:00:00Z" }), "RECEIVED", "MANUAL", "cancel-order"],
  ];

  it.each(table)("%s (%o) in %s with trigger %s → %s", (topic, order, state, trigger, job) => {
    expect(nextJob(topic, order, state, trigger)).toBe(job);
  });
});

describe("parseOrderPayload", () => {
  async function rejection(body: unknown): Promise<{ status: number; text: string }> {
    try {
      parseOrderPayload(body);
    } catch (error) {
      if (error instanceof Response) return { status: error.status, text: await error.text() };
      throw error;
    }
    throw new Error("payload was accepted");
  }

  it("accepts Shopify's shape and keeps unknown fields", () => {
    const parsed = parseOrderPayload({ ...paid, line_items: [{ id: 1 }], shipping_address: { country_code: "US" } });
    expect(parsed).toMatchObject({ name: "#9999", line_items: [{ id: 1 }], shipping_address: { country_code: "US" } });
  });

  it.each([
    ["admin_graphql_api_id", { ...paid, admin_graphql_api_id: undefined }],
    ["admin_graphql_api_id", { ...paid, admin_graphql_api_id: "gid://shopify/Product/1" }],
    ["admin_graphql_api_id", { ...paid, admin_graphql_api_id: 820982911 }],
    ["name", { ...paid, name: undefined }],
    ["name", { ...paid, name: "#".repeat(256) }],
    ["updated_at", { ...paid, updated_at: undefined }],
    ["updated_at", { ...paid, updated_at: "yesterday-ish" }],
    ["financial_status", { ...paid, financial_status: 3 }],
    ["shipping_address.country_code", { ...paid, shipping_address: { country_code: 1 } }],
    ["shipping_address", { ...paid, shipping_address: "12 Analytical Row" }],
  ])("a bad %s is a 422 naming the field", async (field, body) => {
    const { status, text } = await rejection(body);
    expect(status).toBe(422);
    expect(text).toMatch(new RegExp(`^Order payload rejected: ${field.replace(".", "\\.")}: `));
  });

  it.each([
    ["null", null],
    ["an array", [paid]],
    ["a string", "{}"],
  ])("a body that is %s is a 422 naming the body", async (_, body) => {
    const { status, text } = await rejection(body);
    expect(status).toBe(422);
    expect(text).toMatch(/^Order payload rejected: body: /);
  });
});
