/**
 * Orders in every state written straight into the app's database (the pages only read them), plus lines connected to
 * the CJ emulator's catalogue so the order page can quote freight for a pre-submission order.
 */
import type { Db } from "../../app/db.server";
import { ORDER_STATES } from "../../app/fulfillment/state";
import { CONNECTED } from "../support/stack";

const DAY = 86_400_000;

export interface SeededOrder {
  id: string;
  name: string;
  state: string;
}

export interface Seeded {
  byState: Record<string, SeededOrder>;
  bulk: SeededOrder[];
  quotable: SeededOrder;
  fillers: number;
}

export async function seedOrders(db: Db, shopId: string, now = Date.now()): Promise<Seeded> {
  const byState: Record<string, SeededOrder> = {};
  let n = 0;
  const create = async (state: string, extra: Record<string, unknown> = {}, ageMs = n * 3_600_000) => {
    n += 1;
    const number = 3000 + n;
    const name = `#${number}`;
    const order = await db.order.create({
      data: {
        shopId,
        shopifyOrderGid: `gid://shopify/Order/9${number}`,
        shopifyOrderName: name,
        state,
        financialStatus: "PAID",
        customerName: `Seeded ${state.toLowerCase()}`,
        customerEmail: `seed${number}@example.com`,
        countryCode: "US",
        currency: "USD",
        totalPrice: "42.50",
        createdAt: new Date(now - ageMs),
        snapshot: JSON.stringify({
          id: Number(`9${number}`),
          name,
          shipping_address: {
            name: "Grace Hopper",
            address1: "1 Navy Way",
            city: "Arlington",
            zip: "22201",
            country: "United States",
            country_code: "US",
            province: "Virginia",
          },
        }),
        ...extra,
      },
    });
    return { id: order.id, name, state };
  };

  for (const state of ORDER_STATES) {
    const extra: Record<string, unknown> = {};
    if (["HELD", "NEEDS_ATTENTION", "FAILED"].includes(state)) extra.errorReason = `Seeded ${state} reason.`;
    if (!["RECEIVED", "HELD", "NEEDS_ATTENTION", "FAILED"].includes(state)) {
      extra.cjOrderNumber = `SEED-${state}`;
      extra.cjOrderId = `CJSEED${state}`;
      extra.orderAmount = "12.34";
      extra.productAmount = "8.00";
      extra.postageAmount = "4.34";
      extra.submittedAt = new Date(now - 3_600_000);
    }
    if (["PAID", "SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED", "DELIVERED"].includes(state)) {
      extra.paidAmount = "12.34";
      extra.paidAt = new Date(now - 2 * DAY);
    }
    if (["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED", "DELIVERED"].includes(state)) {
      extra.trackingNumber = `TRK${state.slice(0, 6)}`;
      extra.logisticName = "CJPacket Ordinary";
      extra.trackingUrl = "https://cjpacket.com/?trackingNumber=TRK";
      extra.shippedAt = new Date(now - DAY);
    }
    // Shipped orders were placed days before they shipped (the dashboard's average days to ship).
    const shipped = ["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED", "DELIVERED"].includes(state);
    byState[state] = shipped ? await create(state, extra, 4 * DAY) : await create(state, extra);
    await db.orderEvent.create({
      data: {
        orderId: byState[state].id,
        actor: "job",
        type: "seeded",
        toState: state,
        message: `Seeded in ${state}`,
        cjRequestId: state === "NEEDS_ATTENTION" ? "req-seed-attention-1" : null,
      },
    });
  }

  // A held order whose lines are connected to CJ variants: the order page quotes it from the three endpoints.
  const quotable = await create("HELD", { errorReason: "Over your order total cap.", customerName: "Quote Customer" });
  for (const [i, [sku, c]] of Object.entries(CONNECTED).entries()) {
    await db.orderLine.create({
      data: {
        orderId: quotable.id,
        shopifyLineItemGid: `gid://shopify/LineItem/8${i}`,
        sku,
        title: `T-shirt ${sku}`,
        quantity: 1,
        unitPrice: "19.90",
        shopifyVariantGid: `gid://shopify/ProductVariant/${c.variantId}`,
        cjVariantId: c.vid,
      },
    });
  }

  const bulk: SeededOrder[] = [];
  for (let i = 0; i < 4; i++)
    bulk.push(await create("HELD", { customerName: "Bulk Buyer", errorReason: "Bulk hold." }));

  // Older delivered orders so the list has more than one page.
  const fillers = 60;
  await db.order.createMany({
    data: Array.from({ length: fillers }, (_, i) => ({
      shopId,
      shopifyOrderGid: `gid://shopify/Order/7${i}`,
      shopifyOrderName: `#${5000 + i}`,
      state: "DELIVERED",
      customerName: `Filler ${i}`,
      customerEmail: `filler${i}@example.com`,
      totalPrice: "10.00",
      currency: "USD",
      createdAt: new Date(now - 20 * DAY - i * 60_000),
    })),
  });
  return { byState, bulk, quotable, fillers };
}
