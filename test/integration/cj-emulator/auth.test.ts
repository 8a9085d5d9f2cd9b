import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, API_KEY, cj, login, OPEN_ID, startTestEmulator } from "./harness.js";

const FIVE_MINUTES = 5 * 60 * 1000;
const CHINA_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

describe("CJ emulator: authentication", () => {
  let emulator: CjEmulator;
  beforeEach(async () => {
    emulator = await startTestEmulator({ accessTokenTtlMs: 60 * 60 * 1000 });
  });
  afterEach(() => emulator.close());

  it("getAccessToken answers the token pair with +08:00 ISO dates and the account's openId", async () => {
    const answer = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey: API_KEY } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 200, result: true, message: "Success", success: true });
    const data = answer.json.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(
      ["accessToken", "accessTokenExpiryDate", "createDate", "openId", "refreshToken", "refreshTokenExpiryDate"].sort(),
    );
    expect(data.openId).toBe(OPEN_ID);
    for (const key of ["accessTokenExpiryDate", "refreshTokenExpiryDate", "createDate"]) {
      expect(data[key]).toMatch(CHINA_ISO);
    }
  });

  it("answers 1600001 for an unknown API key", async () => {
    const answer = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey: "nope" } });
    expect(answer.json.code).toBe(1600001);
  });

  it("answers 1600002 without a token and 1600001 with a wrong one, in the seed's error envelope", async () => {
    const missing = await cj(emulator, "/shopping/pay/getBalance");
    expect(missing.status).toBe(200);
    expect(Object.keys(missing.json).sort()).toEqual(["code", "data", "message", "requestId", "result"]);
    expect(missing.json).toMatchObject({ code: 1600002, result: false, data: null });
    const wrong = await cj(emulator, "/shopping/pay/getBalance", { token: "not-a-token" });
    expect(wrong.json).toMatchObject({ code: 1600001, result: false, data: null });
  });

  it("expires the access token after its lifetime on the emulator clock", async () => {
    const token = await login(emulator);
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(200);
    emulator.clock.advance(60 * 60 * 1000 + 1);
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(1600001);
  });

  it("refuses a second getAccessToken within 5 minutes, records it, and returns the cached pair afterwards", async () => {
    const first = await login(emulator);
    const again = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey: API_KEY } });
    expect(again.json.code).toBe(1600200);
    expect(emulator.state.authViolations).toHaveLength(1);
    expect(emulator.state.authViolations[0]?.accountId).toBe(ACCOUNT);
    emulator.clock.advance(FIVE_MINUTES);
    expect(await login(emulator)).toBe(first);
  });

  it("refreshes the pair once; the used refresh token then answers 1600003", async () => {
    const answer = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey: API_KEY } });
    const { accessToken, refreshToken } = answer.json.data as { accessToken: string; refreshToken: string };
    const refreshed = await cj(emulator, "/authentication/refreshAccessToken", { body: { refreshToken } });
    expect(refreshed.json.code).toBe(200);
    const fresh = refreshed.json.data as { accessToken: string };
    expect(fresh.accessToken).not.toBe(accessToken);
    expect((await cj(emulator, "/shopping/pay/getBalance", { token: fresh.accessToken })).json.code).toBe(200);
    expect((await cj(emulator, "/shopping/pay/getBalance", { token: accessToken })).json.code).toBe(1600001);
    const reused = await cj(emulator, "/authentication/refreshAccessToken", { body: { refreshToken } });
    expect(reused.json).toMatchObject({ code: 1600003, result: false });
  });

  it("logout invalidates the token", async () => {
    const token = await login(emulator);
    expect((await cj(emulator, "/authentication/logout", { token, body: {} })).json.code).toBe(200);
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(1600001);
  });
});
