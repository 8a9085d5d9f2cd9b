import { describe, expect, it } from "vitest";
import { type Order, splitLines } from "../../emulators/shopify";
import { control, emulatorForFile, graphqlData } from "./helpers";

const shop = "big-orders.myshopify.com";
const accessToken = "shpat_big_orders";

const emulator = emulatorForFile({ shops: [{ domain: shop, accessToken }] });

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface Page<T> {
  nodes: T[];
  edges: { cursor: string }[];
  pageInfo: PageInfo;
}

/** Follows `endCursor` while `hasNextPage`, the way an app pages; returns every page. */
async function allPages<T>(fetchPage: (after: string | null) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    pages.push(page);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) return pages;
    expect(pages.length).toBeLessThan(100);
    after = page.pageInfo.endCursor;
  }
}

const lineItemsQuery = `
  query LineItems($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $first, after: $after) {
        nodes { id sku }
        edges { cursor }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;
const fulfillmentOrdersQuery = `
  query FulfillmentOrders($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      fulfillmentOrders(first: $first, after: $after) {
        nodes { id lineItems(first: 5) { nodes { id } pageInfo { hasNextPage endCursor } } }
        edges { cursor }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;
const foLineItemsQuery = `
  query FulfillmentOrderLineItems($id: ID!, $first: Int!, $after: String) {
    fulfillmentOrder(id: $id) {
      lineItems(first: $first, after: $after) {
        nodes { id remainingQuantity lineItem { id sku } }
        edges { cursor }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

/** 60 lines (SKU-1 … SKU-60) over 7 fulfillment orders of 9, 9, 9, 9, 8, 8, 8 lines. */
function addBigOrder(): Order {
  return emulator.current.addOrder(shop, {
    lines: Array.from({ length: 60 }, (_, index) => ({ sku: `SKU-${index + 1}`, quantity: (index % 3) + 1 })),
    fulfillmentOrders: splitLines(60, 7),
  });
}

describe("cursor pagination of an order with 60 line items and 7 fulfillment orders", () => {
  it("builds the order", () => {
    const order = addBigOrder();
    expect(order.lineItems).toHaveLength(60);
    expect(order.fulfillmentOrders.map((fo) => fo.lineItems.length)).toEqual([9, 9, 9, 9, 8, 8, 8]);
    expect(order.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((line) => line.lineItemId))).toEqual(
      order.lineItems.map((line) => line.id),
    );
  });

  it("Order.lineItems(first, after) visits every line once, in order", async () => {
    const order = addBigOrder();
    for (const pageSize of [25, 60, 7, 250]) {
      const pages = await allPages((after) =>
        graphqlData<{ order: { lineItems: Page<{ id: string; sku: string }> } }>(
          emulator.current,
          accessToken,
          lineItemsQuery,
          {
            id: order.id,
            first: pageSize,
            after,
          },
        ).then((data) => data.order.lineItems),
      );
      expect(pages.map((page) => page.nodes.length)).toEqual(
        Array.from({ length: Math.ceil(60 / pageSize) }, (_, index) => Math.min(pageSize, 60 - index * pageSize)),
      );
      expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual(pages.map((_, index) => index < pages.length - 1));
      expect(pages.flatMap((page) => page.nodes.map((line) => line.id))).toEqual(
        order.lineItems.map((line) => line.id),
      );
    }

    const lastPage = await graphqlData<{ order: { lineItems: Page<unknown> } }>(
      emulator.current,
      accessToken,
      lineItemsQuery,
      {
        id: order.id,
        first: 25,
        after: (
          await graphqlData<{ order: { lineItems: Page<unknown> } }>(emulator.current, accessToken, lineItemsQuery, {
            id: order.id,
            first: 60,
          })
        ).order.lineItems.pageInfo.endCursor,
      },
    );
    expect(lastPage.order.lineItems).toEqual({
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it("Order.fulfillmentOrders(first, after) and FulfillmentOrder.lineItems(first, after) visit everything once", async () => {
    const order = addBigOrder();
    const foPages = await allPages((after) =>
      graphqlData<{
        order: { fulfillmentOrders: Page<{ id: string; lineItems: { nodes: { id: string }[]; pageInfo: PageInfo } }> };
      }>(emulator.current, accessToken, fulfillmentOrdersQuery, { id: order.id, first: 3, after }).then(
        (data) => data.order.fulfillmentOrders,
      ),
    );
    expect(foPages.map((page) => page.nodes.length)).toEqual([3, 3, 1]);
    expect(foPages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    const fos = foPages.flatMap((page) => page.nodes);
    expect(fos.map((fo) => fo.id)).toEqual(order.fulfillmentOrders.map((fo) => fo.id));
    // The nested first page: 5 of 9 or 8 lines, with a next page.
    for (const fo of fos) {
      expect(fo.lineItems.nodes).toHaveLength(5);
      expect(fo.lineItems.pageInfo.hasNextPage).toBe(true);
    }

    const seenLineItems: string[] = [];
    for (const [index, fo] of order.fulfillmentOrders.entries()) {
      const pages = await allPages((after) =>
        graphqlData<{
          fulfillmentOrder: { lineItems: Page<{ id: string; remainingQuantity: number; lineItem: { id: string } }> };
        }>(emulator.current, accessToken, foLineItemsQuery, { id: fo.id, first: 4, after }).then(
          (data) => data.fulfillmentOrder.lineItems,
        ),
      );
      expect(
        pages.map((page) => page.nodes.length),
        `FO ${index}`,
      ).toEqual(index < 4 ? [4, 4, 1] : [4, 4]);
      expect(pages.flatMap((page) => page.nodes.map((line) => line.id))).toEqual(fo.lineItems.map((line) => line.id));
      seenLineItems.push(...pages.flatMap((page) => page.nodes.map((line) => line.lineItem.id)));
    }
    expect(seenLineItems).toEqual(order.lineItems.map((line) => line.id));

    // Continuing the nested connection from the Order query's cursor works as well.
    const firstFo = fos[0];
    if (!firstFo) throw new Error("no fulfillment order");
    const rest = await graphqlData<{ fulfillmentOrder: { lineItems: Page<{ id: string }> } }>(
      emulator.current,
      accessToken,
      foLineItemsQuery,
      { id: firstFo.id, first: 10, after: firstFo.lineItems.pageInfo.endCursor },
    );
    expect(rest.fulfillmentOrder.lineItems.nodes.map((line) => line.id)).toEqual(
      order.fulfillmentOrders[0]?.lineItems.slice(5).map((line) => line.id),
    );
    expect(rest.fulfillmentOrder.lineItems.pageInfo.hasNextPage).toBe(false);
  });

  it("the same order can be built over HTTP", async () => {
    const created = await control(emulator.current, "orders", {
      shop,
      build: { lines: Array.from({ length: 60 }, () => ({})), fulfillmentOrders: splitLines(60, 7) },
    });
    expect(created.status).toBe(200);
    const order = created.body.order as Order;
    const pages = await allPages((after) =>
      graphqlData<{ order: { lineItems: Page<{ id: string; sku: string }> } }>(
        emulator.current,
        accessToken,
        lineItemsQuery,
        {
          id: order.id,
          first: 50,
          after,
        },
      ).then((data) => data.order.lineItems),
    );
    expect(pages.flatMap((page) => page.nodes.map((line) => line.sku))).toEqual(
      Array.from({ length: 60 }, (_, index) => `SKU-${index + 1}`),
    );
    expect(order.fulfillmentOrders).toHaveLength(7);
  });
});
