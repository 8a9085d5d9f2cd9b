import { describe, expect, it } from "vitest";
import { createShopifyCostPacer, type ShopifyCostPacer } from "~/shopify/cost-pacer";

const status = (currentlyAvailable: number, requestedQueryCost = 800) => ({
  requestedQueryCost,
  actualQueryCost: 20,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
});

/**
 * Shopify's answer to a query of `operation` that the pacer knew nothing about yet (so it went at once): the pacer
 * learns the bucket and the operation's requested cost from it.
 */
async function report(pacer: ShopifyCostPacer, shop: string, operation: string, cost: ReturnType<typeof status>) {
  (await pacer.admit(shop, operation, async () => {})).done(cost);
}

/** A clock that only moves when somebody sleeps. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe("Shopify cost pacer", () => {
  it("sends what it knows nothing about at once", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    await report(pacer, "a.myshopify.com", "Other", status(100));
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([]);
  });

  it("admits a query when the shop's reported bucket, restored since, holds its requested cost", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await report(pacer, "a.myshopify.com", "GetOrder", status(1000));
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep); // 1000 → 200
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep); // needs 600 more: 6 s at 100/s
    expect(time.sleeps).toEqual([6000]);
  });

  it("queues the callers of one shop in arrival order, each after the room the previous one took", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await report(pacer, "a.myshopify.com", "GetOrder", status(800));
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) => pacer.admit("a.myshopify.com", "GetOrder", time.sleep).then(() => order.push(n))),
    );
    expect(order).toEqual([1, 2, 3]);
    expect(time.sleeps).toEqual([8000, 8000]);
  });

  it("counts the queries it admitted and has no answer for yet against what Shopify reports", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await report(pacer, "a.myshopify.com", "GetOrder", status(2000));
    const a = await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    // A report that does not count the two queries in flight yet: 2000 − 1600 of our own = 400, so the next
    // one waits 4 s rather than going at once into a THROTTLED answer.
    await report(pacer, "a.myshopify.com", "Other", status(2000, 10));
    const c = pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    await c;
    expect(time.sleeps).toEqual([4000]);
    // The first query's answer (it cost 10): its share comes back, the second is still counted.
    a.done(status(1990));
    const d = await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([4000, 4100]);
    d.done(null);
  });

  it("does not wait for a query that costs more than the bucket can hold (Shopify refuses it anyway)", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await report(pacer, "a.myshopify.com", "Huge", status(1500, 5000));
    await pacer.admit("a.myshopify.com", "Huge", time.sleep);
    expect(time.sleeps).toEqual([]);
  });

  it("keeps shops apart", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    await report(pacer, "a.myshopify.com", "GetOrder", status(0));
    await report(pacer, "b.myshopify.com", "GetOrder", status(2000));
    await pacer.admit("b.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([]);
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([8000]);
  });
});

describe("Shopify cost pacer, real time", () => {
  it("lets a waiting caller go as soon as an answer reports the room (the refund of a query in flight)", async () => {
    const pacer = createShopifyCostPacer();
    await report(pacer, "a.myshopify.com", "GetOrder", status(900));
    const first = await pacer.admit("a.myshopify.com", "GetOrder"); // 900 → 100: the next one would wait 7 s
    const second = pacer.admit("a.myshopify.com", "GetOrder");
    let admitted = false;
    void second.then(() => {
      admitted = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(admitted).toBe(false);
    // The first query's answer: Shopify refunded the unused part of its requested cost.
    first.done(status(1880));
    await second;
    expect(admitted).toBe(true);
  });
});
