/** Token lifecycle against a loopback CJ: refresh before expiry, re-auth once, single flight, 5-minute rule. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CjApiError, type CjStoredCredentials, closeCjDispatchers, createMemoryCredentialStore } from "../../../app/cj";
import { type CjTestServer, type ReceivedRequest, startCjServer, testClient } from "./cj-server";

let server: CjTestServer;
let issued = 0;
let now = new Date("2026-03-01T12:00:00Z");
const clock = () => now;

function tokenAnswer(prefix: string) {
  issued += 1;
  return {
    code: 200,
    result: true,
    message: "Success",
    data: {
      openId: 123456789,
      accessToken: `${prefix}-${issued}`,
      accessTokenExpiryDate: "2026-03-16T20:00:00+08:00",
      refreshToken: `refresh-${issued}`,
      refreshTokenExpiryDate: "2026-08-28T20:00:00+08:00",
      createDate: "2026-03-01T20:00:00+08:00",
    },
    requestId: "auth",
  };
}
const balance = { code: 200, result: true, message: "Success", data: { amount: 1 }, requestId: "ok" };
const invalidToken = {
  code: 1600001,
  result: false,
  message: "Invalid API key or access token",
  data: null,
  requestId: "bad",
};

/** CJ that accepts only the tokens it issued last (`valid`). */
let valid = new Set<string>();
let refreshWorks = true;
function cj(request: ReceivedRequest) {
  const path = request.url.pathname.replace("/api2.0/v1", "");
  if (path === "/authentication/getAccessToken") {
    const answer = tokenAnswer("apikey");
    valid = new Set([answer.data.accessToken]);
    return { body: answer };
  }
  if (path === "/authentication/refreshAccessToken") {
    if (!refreshWorks) return { body: { code: 1600003, result: false, message: "Invalid refresh token", data: null } };
    const answer = tokenAnswer("refreshed");
    valid = new Set([answer.data.accessToken]);
    return { body: answer };
  }
  const token = String(request.headers["cj-access-token"] ?? "");
  return { body: valid.has(token) ? balance : invalidToken };
}
const calls = (path: string) => server.received.filter((request) => request.url.pathname.endsWith(path));

beforeAll(async () => {
  server = await startCjServer(cj);
});
afterEach(() => {
  server.received.length = 0;
  refreshWorks = true;
  now = new Date("2026-03-01T12:00:00Z");
});
afterAll(async () => {
  await server.close();
  await closeCjDispatchers();
});

function clientWith(record: CjStoredCredentials) {
  const store = createMemoryCredentialStore({ acct: record });
  return { store, client: testClient(server.baseUrl, { store, clock }).client };
}

describe("CJ token lifecycle", () => {
  it("authenticates once with the API key for 50 concurrent callers, and persists the tokens", async () => {
    valid = new Set();
    const { client, store } = clientWith({ apiKey: "KEY" });
    await Promise.all(Array.from({ length: 50 }, () => client.payment.getBalance()));
    expect(calls("/getAccessToken")).toHaveLength(1);
    expect(JSON.parse(calls("/getAccessToken")[0]?.body.toString() ?? "")).toEqual({ apiKey: "KEY" });
    const saved = store.records.get("acct");
    expect(saved?.tokens?.accessToken).toMatch(/^apikey-/);
    expect(saved?.tokens?.openId).toBe("123456789");
    // "+08:00" dates are kept as the instant they denote.
    expect(saved?.tokens?.accessTokenExpiresAt.toISOString()).toBe("2026-03-16T12:00:00.000Z");
    expect(saved?.lastAuthAt).toEqual(now);
    const used = new Set(calls("/getBalance").map((request) => request.headers["cj-access-token"]));
    expect(used).toEqual(new Set([saved?.tokens?.accessToken]));
  });

  it("refreshes an access token that expires within the hour, before using it", async () => {
    valid = new Set(["old"]);
    const { client, store } = clientWith({
      apiKey: "KEY",
      tokens: {
        accessToken: "old",
        accessTokenExpiresAt: new Date(now.getTime() + 30 * 60 * 1000),
        refreshToken: "refresh-old",
        refreshTokenExpiresAt: new Date("2026-08-01T00:00:00Z"),
      },
      lastAuthAt: new Date("2026-02-20T00:00:00Z"),
    });
    await Promise.all([client.payment.getBalance(), client.payment.getBalance()]);
    expect(calls("/refreshAccessToken")).toHaveLength(1);
    expect(JSON.parse(calls("/refreshAccessToken")[0]?.body.toString() ?? "")).toEqual({ refreshToken: "refresh-old" });
    expect(calls("/getAccessToken")).toHaveLength(0);
    const fresh = store.records.get("acct")?.tokens?.accessToken;
    expect(fresh).toMatch(/^refreshed-/);
    expect(calls("/getBalance").map((request) => request.headers["cj-access-token"])).toEqual([fresh, fresh]);
  });

  it("on 1600001 renews once (single flight for concurrent callers) and retries once", async () => {
    valid = new Set(["revoked-elsewhere"]);
    const { client } = clientWith({
      apiKey: "KEY",
      tokens: {
        accessToken: "stale",
        accessTokenExpiresAt: new Date("2026-03-10T00:00:00Z"),
        refreshToken: "refresh-stale",
        refreshTokenExpiresAt: new Date("2026-08-01T00:00:00Z"),
      },
      lastAuthAt: new Date("2026-02-20T00:00:00Z"),
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.payment.getBalance()));
    expect(results.every((result) => result.amount === "1.00")).toBe(true);
    expect(calls("/refreshAccessToken")).toHaveLength(1);
    expect(calls("/getBalance")).toHaveLength(20);
  });

  it("falls back to the API key when the refresh token is refused (1600003)", async () => {
    valid = new Set();
    refreshWorks = false;
    const { client } = clientWith({
      apiKey: "KEY",
      tokens: {
        accessToken: "stale",
        accessTokenExpiresAt: new Date("2026-03-10T00:00:00Z"),
        refreshToken: "refresh-stale",
        refreshTokenExpiresAt: new Date("2026-08-01T00:00:00Z"),
      },
      lastAuthAt: new Date("2026-02-20T00:00:00Z"),
    });
    expect((await client.payment.getBalance()).amount).toBe("1.00");
    expect(calls("/refreshAccessToken")).toHaveLength(1);
    expect(calls("/getAccessToken")).toHaveLength(1);
  });

  it("surfaces a second auth error instead of looping", async () => {
    server.handle((request) => (request.url.pathname.endsWith("/getBalance") ? { body: invalidToken } : cj(request)));
    try {
      const { client } = clientWith({
        apiKey: "KEY",
        tokens: {
          accessToken: "stale",
          accessTokenExpiresAt: new Date("2026-03-10T00:00:00Z"),
          refreshToken: "refresh-stale",
          refreshTokenExpiresAt: new Date("2026-08-01T00:00:00Z"),
        },
      });
      const error = await client.payment.getBalance().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 1600001, kind: "auth" });
      expect(calls("/getBalance")).toHaveLength(2);
      expect(calls("/refreshAccessToken")).toHaveLength(1);
    } finally {
      server.handle(cj);
    }
  });

  it("never calls getAccessToken twice within 5 minutes for an account, even across clients", async () => {
    valid = new Set();
    refreshWorks = false;
    const store = createMemoryCredentialStore({ acct: { apiKey: "KEY" } });
    const first = testClient(server.baseUrl, { store, clock }).client;
    await first.payment.getBalance();
    expect(calls("/getAccessToken")).toHaveLength(1);

    // CJ now rejects the token; the refresh token is refused; a new client (new process) loads the store.
    valid = new Set();
    now = new Date(now.getTime() + 2 * 60 * 1000);
    const second = testClient(server.baseUrl, { store, clock }).client;
    const error = (await second.payment.getBalance().catch((caught: unknown) => caught)) as CjApiError;
    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ kind: "rate_limited", endpoint: "/authentication/getAccessToken" });
    expect(error.retryAt?.toISOString()).toBe("2026-03-01T12:05:00.000Z");
    expect(calls("/getAccessToken")).toHaveLength(1);

    now = new Date("2026-03-01T12:05:01Z");
    expect((await second.payment.getBalance()).amount).toBe("1.00");
    expect(calls("/getAccessToken")).toHaveLength(2);
  });

  it("logout sends the given token and never the API key", async () => {
    const { client } = clientWith({ apiKey: "KEY" });
    server.handle(() => ({ body: { code: 200, result: true, message: "Success", data: true } }));
    try {
      await client.auth.logout("tok-9");
      expect(server.received.at(-1)?.url.pathname).toBe("/api2.0/v1/authentication/logout");
      expect(server.received.at(-1)?.headers["cj-access-token"]).toBe("tok-9");
    } finally {
      server.handle(cj);
    }
  });
});
