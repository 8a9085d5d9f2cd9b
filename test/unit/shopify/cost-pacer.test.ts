import { describe, expect, it } from "vitest";
import { createShopifyCostPacer } from "~/shopify/cost-pacer";

const status = (currentlyAvailable: number, requestedQueryCost = 800) => ({
  requestedQueryCost,
  actualQueryCost: 20,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
});

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
    pacer.observe("a.myshopify.com", "Other", status(100));
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([]);
  });

  it("admits a query when the shop's reported bucket, restored since, holds its requested cost", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    pacer.observe("a.myshopify.com", "GetOrder", status(1000));
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep); // 1000 → 200
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep); // needs 600 more: 6 s at 100/s
    expect(time.sleeps).toEqual([6000]);
  });

  it("queues the callers of one shop in arrival order, each after the room the previous one took", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    pacer.observe("a.myshopify.com", "GetOrder", status(800));
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) => pacer.admit("a.myshopify.com", "GetOrder", time.sleep).then(() => order.push(n))),
    );
    expect(order).toEqual([1, 2, 3]);
    expect(time.sleeps).toEqual([8000, 8000]);
  });

  it("keeps shops apart", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    pacer.observe("a.myshopify.com", "GetOrder", status(0));
    pacer.observe("b.myshopify.com", "GetOrder", status(2000));
    await pacer.admit("b.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([]);
    await pacer.admit("a.myshopify.com", "GetOrder", time.sleep);
    expect(time.sleeps).toEqual([8000]);
  });

  it("does not wait for more than the bucket can ever hold", async () => {
    const time = fakeTime();
    const pacer = createShopifyCostPacer({ now: time.now });
    pacer.observe("a.myshopify.com", "Huge", status(1500, 5000));
    await pacer.admit("a.myshopify.com", "Huge", time.sleep);
    expect(time.sleeps).toEqual([5000]);
  });
});

describe("Shopify cost pacer, real time", () => {
  it("lets a waiting caller go as soon as an answer reports the room (the refund of a query in flight)", async () => {
    const pacer = createShopifyCostPacer();
    pacer.observe("a.myshopify.com", "GetOrder", status(900));
    await pacer.admit("a.myshopify.com", "GetOrder"); // 900 → 100: the next one would wait 7 s
    const second = pacer.admit("a.myshopify.com", "GetOrder");
    let admitted = false;
    void second.then(() => {
      admitted = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(admitted).toBe(false);
    // The first query's answer: Shopify refunded the unused part of its requested cost.
    pacer.observe("a.myshopify.com", "GetOrder", status(1880));
    await second;
    expect(admitted).toBe(true);
  });
});
