import { describe, expect, it } from "vitest";
import { backoffMs, createAdminGraphqlClient, type FetchLike, throttledBackoffMs } from "~/shopify/admin-client.server";
import { createShopifyCostPacer } from "~/shopify/cost-pacer";
import { ShopifyGraphqlError } from "~/shopify/graphql";

interface Call {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A scripted Shopify: answers in order, records what the client sent. */
function scriptedFetch(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers, body: JSON.parse(init.body) });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? { status: 500 };
    return {
      status: answer.status,
      headers: { get: (name: string) => answer.headers?.[name.toLowerCase()] ?? null },
      text: async () => JSON.stringify(answer.body ?? {}),
    };
  };
  return { fetch, calls };
}

const throttled = (requested: number, available: number) => ({
  status: 200,
  body: {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
    extensions: {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 },
      },
    },
  },
});

/** A clock that moves only when the client sleeps, shared by the client and its pacer. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

/** A client and its own pacer on one fake clock. */
function clientOnFakeTime(fetch: FetchLike, options: { retries?: number } = {}) {
  const { sleeps, sleep, now } = fakeTime();
  const admin = createAdminGraphqlClient({
    pacer: createShopifyCostPacer({ now }),
    shop: "x",
    accessToken: "t",
    fetch,
    sleep,
    ...options,
  });
  return { admin, sleeps };
}

const query = "query ShopName { shop { name } }";
const mutation =
  "mutation FulfillmentCreate($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { message } } }";

describe("createAdminGraphqlClient", () => {
  it("posts the document to the shop's 2026-10 endpoint with the access token", async () => {
    const { fetch, calls } = scriptedFetch([{ status: 200, body: { data: { shop: { name: "x" } } } }]);
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x.myshopify.com",
      accessToken: "shpat_1",
      fetch,
    });
    expect((await admin.request(query)).data).toEqual({ shop: { name: "x" } });
    expect(calls[0]).toMatchObject({
      url: "https://x.myshopify.com/admin/api/2026-10/graphql.json",
      headers: { "x-shopify-access-token": "shpat_1" },
      body: { query, operationName: "ShopName", variables: {} },
    });
  });

  it("uses SHOPIFY_ADMIN_API_ORIGIN when given", async () => {
    const { fetch, calls } = scriptedFetch([{ status: 200, body: { data: {} } }]);
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x.myshopify.com",
      accessToken: "t",
      origin: "http://127.0.0.1:4010/",
      fetch,
    });
    await admin.request(query);
    expect(calls[0]?.url).toBe("http://127.0.0.1:4010/admin/api/2026-10/graphql.json");
  });

  it("waits for the bucket to refill what the throttled query needs, then retries", async () => {
    const { fetch, calls } = scriptedFetch([
      throttled(500, 100),
      { status: 200, body: { data: { shop: { name: "x" } } } },
    ]);
    const { admin, sleeps } = clientOnFakeTime(fetch);
    await admin.request(query);
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([4000]);
  });

  it("keeps waiting through THROTTLED answers without using up its retries", async () => {
    const { fetch, calls } = scriptedFetch([
      ...Array.from({ length: 7 }, () => throttled(500, 400)),
      { status: 200, body: { data: { shop: { name: "x" } } } },
    ]);
    const { admin, sleeps } = clientOnFakeTime(fetch, { retries: 1 });
    expect((await admin.request(query)).data).toEqual({ shop: { name: "x" } });
    expect(calls).toHaveLength(8);
    expect(sleeps).toEqual(Array.from({ length: 7 }, () => 1000));
  });

  it("fails with THROTTLED once the wait budget is spent", async () => {
    const { fetch } = scriptedFetch([throttled(500, 499)]);
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x",
      accessToken: "t",
      fetch,
      throttledBudgetMs: 50,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const error = await admin.request(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect((error as ShopifyGraphqlError).kind).toBe("throttled");
  });

  it("honours Retry-After on HTTP 429", async () => {
    const { fetch } = scriptedFetch([
      { status: 429, headers: { "retry-after": "2" } },
      { status: 200, body: { data: {} } },
    ]);
    const sleeps: number[] = [];
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x",
      accessToken: "t",
      fetch,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await admin.request(query);
    expect(sleeps).toEqual([2000]);
  });

  it("retries a query after a 503 but never a mutation, which may have been applied", async () => {
    const flaky = scriptedFetch([{ status: 503 }, { status: 200, body: { data: {} } }]);
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x",
      accessToken: "t",
      fetch: flaky.fetch,
      sleep: async () => {},
    });
    await admin.request(query);
    expect(flaky.calls).toHaveLength(2);

    const down = scriptedFetch([{ status: 503 }, { status: 200, body: { data: {} } }]);
    const writer = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x",
      accessToken: "t",
      fetch: down.fetch,
      sleep: async () => {},
    });
    const error = await writer.request(mutation, { f: {} }).catch((caught: unknown) => caught);
    expect(down.calls).toHaveLength(1);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect(error).toMatchObject({ kind: "http", status: 503, retryable: true, operationName: "FulfillmentCreate" });
  });

  it("turns GraphQL errors into a permanent ShopifyGraphqlError without retrying", async () => {
    const { fetch, calls } = scriptedFetch([
      {
        status: 200,
        body: { errors: [{ message: "Field 'nope' doesn't exist", extensions: { code: "undefinedField" } }] },
      },
    ]);
    const admin = createAdminGraphqlClient({
      pacer: createShopifyCostPacer(),
      shop: "x",
      accessToken: "t",
      fetch,
    });
    const error = await admin.request(query).catch((caught: unknown) => caught);
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ kind: "graphql", code: "undefinedField", retryable: false });
  });
});

describe("backoffMs", () => {
  it("derives the wait from requestedQueryCost, currentlyAvailable and restoreRate", () => {
    const error = new ShopifyGraphqlError("Throttled", {
      kind: "throttled",
      cost: {
        requestedQueryCost: 902,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 },
      },
    });
    expect(backoffMs(error, 1, null)).toBe(9000);
  });

  it("falls back to exponential backoff without a cost extension", () => {
    const error = new ShopifyGraphqlError("Bad gateway", { kind: "http", status: 502 });
    expect([1, 2, 3].map((attempt) => backoffMs(error, attempt, null))).toEqual([1000, 2000, 4000]);
  });

  it("backs off from 100 ms, doubling, when THROTTLED comes with a bucket that reports room", () => {
    const error = new ShopifyGraphqlError("Throttled", {
      kind: "throttled",
      cost: {
        requestedQueryCost: 100,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 },
      },
    });
    expect([1, 2, 3, 10].map((attempt) => throttledBackoffMs(error, attempt))).toEqual([100, 200, 400, 5000]);
  });
});
