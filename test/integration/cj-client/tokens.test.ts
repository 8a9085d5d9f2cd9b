/**
 * Token lifecycle of createCjClient against the CJ emulator (cj-api-facts "Authentication"): refresh before or after
 * expiry, one renewal after 1600001, and never more than one getAccessToken per account per 5 minutes, counted in
 * the emulator's request log. The client reads the emulator's clock so that days pass without waiting.
 */
import { describe, expect, it } from "vitest";
import { CJ_CODE, CjApiError } from "../../../app/cj";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, clientFor, emulatorPerFile, requestsTo } from "./harness.js";

const GET_TOKEN = "/authentication/getAccessToken";
const REFRESH = "/authentication/refreshAccessToken";
const BALANCE = "/shopping/pay/getBalance";
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let emulator: CjEmulator;

emulatorPerFile((started) => {
  emulator = started;
});

/** A client whose clock is the emulator's (moved by `emulator.clock.advance`). */
function sharedClockClient() {
  return clientFor(emulator, { clock: () => new Date(emulator.clock.now()) });
}

/** Emulator-clock times of the getAccessToken calls it received, and the shortest gap between two of them. */
function getAccessTokenCalls() {
  const times = requestsTo(emulator, GET_TOKEN).map((request) => Date.parse(request.at));
  const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
  return { count: times.length, shortestGapMs: gaps.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...gaps) };
}

function trail(path?: string) {
  return emulator
    .requests({ accountId: ACCOUNT.id })
    .filter((request) => !path || request.path === path)
    .map((request) => `${request.path} ${request.code}`);
}

describe("token lifecycle", () => {
  it("20 concurrent first calls share ONE getAccessToken", async () => {
    const { client, store } = sharedClockClient();
    const balances = await Promise.all(Array.from({ length: 20 }, () => client.payment.getBalance()));

    expect(balances.every((balance) => balance.amount === "100.00")).toBe(true);
    expect(getAccessTokenCalls().count).toBe(1);
    expect(requestsTo(emulator, BALANCE, ACCOUNT.id).map((request) => request.code)).toEqual(Array(20).fill(200));
    expect(emulator.state.authViolations).toEqual([]);
    expect(store.records.get(ACCOUNT.id)?.tokens?.accessToken).toMatch(/^[0-9a-f]{32}$/);
  });

  it("an expired access token is refreshed with the refresh token, not with the API key", async () => {
    const { client, store } = sharedClockClient();
    await client.payment.getBalance();
    const first = store.records.get(ACCOUNT.id)?.tokens;

    emulator.clock.advance(16 * DAY); // past CJ's 15-day access token
    await client.payment.getBalance();

    expect(trail()).toEqual([`${GET_TOKEN} 200`, `${BALANCE} 200`, `${REFRESH} 200`, `${BALANCE} 200`]);
    const second = store.records.get(ACCOUNT.id)?.tokens;
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect(second?.accessTokenExpiresAt.getTime()).toBeGreaterThan(emulator.clock.now() + 14 * DAY);
    expect(getAccessTokenCalls().count).toBe(1);
  });

  it("a token CJ rejects (1600001) is renewed once and the call repeated once", async () => {
    // The client's own clock is real time: it believes its token is valid until the emulator says otherwise.
    const { client } = clientFor(emulator);
    await client.payment.getBalance();

    emulator.clock.advance(16 * DAY);
    const balance = await client.payment.getBalance();

    expect(balance.amount).toBe("100.00");
    expect(trail()).toEqual([
      `${GET_TOKEN} 200`,
      `${BALANCE} 200`,
      `${BALANCE} ${CJ_CODE.invalidToken}`,
      `${REFRESH} 200`,
      `${BALANCE} 200`,
    ]);
  });

  it("when the refresh token is refused too (1600003), it re-authenticates with the API key after 5 minutes", async () => {
    const { client, store } = sharedClockClient();
    await client.payment.getBalance();
    // Another process refreshed the pair: our stored access and refresh tokens are both revoked now.
    await client.auth.refreshAccessToken(store.records.get(ACCOUNT.id)?.tokens?.refreshToken ?? "");
    emulator.clock.advance(6 * MINUTE);

    expect((await client.payment.getBalance()).amount).toBe("100.00");

    expect(trail()).toEqual([
      `${GET_TOKEN} 200`,
      `${BALANCE} 200`,
      `${REFRESH} 200`,
      `${BALANCE} ${CJ_CODE.invalidToken}`,
      `${REFRESH} ${CJ_CODE.invalidRefreshToken}`,
      `${GET_TOKEN} 200`,
      `${BALANCE} 200`,
    ]);
    expect(getAccessTokenCalls()).toEqual({ count: 2, shortestGapMs: expect.any(Number) });
    expect(getAccessTokenCalls().shortestGapMs).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(emulator.state.authViolations).toEqual([]);
  });

  it("within 5 minutes of the last getAccessToken it does not call CJ again: 1600200 with retryAt, locally", async () => {
    const { client, store } = sharedClockClient();
    await client.payment.getBalance();
    const lastAuthAt = store.records.get(ACCOUNT.id)?.lastAuthAt?.getTime() ?? 0;
    await client.auth.refreshAccessToken(store.records.get(ACCOUNT.id)?.tokens?.refreshToken ?? "");
    emulator.clock.advance(2 * MINUTE);

    const error = await client.payment.getBalance().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ code: CJ_CODE.callLimitExceeded, endpoint: GET_TOKEN, httpStatus: 0 });
    // retryAt: the 5 minutes counted from our last successful authentication (shared clock).
    expect((error as CjApiError).retryAt?.getTime()).toBeGreaterThanOrEqual(lastAuthAt + 5 * MINUTE - 1000);
    expect((error as CjApiError).retryAt?.getTime()).toBeLessThanOrEqual(lastAuthAt + 5 * MINUTE + 1000);
    expect(getAccessTokenCalls().count).toBe(1);
    expect(emulator.state.authViolations).toEqual([]);
  });

  it("a second 1600001 after the renewal surfaces instead of renewing again", async () => {
    const { client } = sharedClockClient();
    await client.payment.getBalance();
    emulator.addFault({ kind: "cjError", code: CJ_CODE.invalidToken, message: "Invalid token", path: BALANCE });

    const error = await client.payment.getBalance().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ code: CJ_CODE.invalidToken, kind: "auth" });
    expect(trail(BALANCE)).toEqual([
      `${BALANCE} 200`,
      `${BALANCE} ${CJ_CODE.invalidToken}`,
      `${BALANCE} ${CJ_CODE.invalidToken}`,
    ]);
    expect(trail(REFRESH)).toEqual([`${REFRESH} 200`]);
    expect(getAccessTokenCalls().count).toBe(1);
  });
});
