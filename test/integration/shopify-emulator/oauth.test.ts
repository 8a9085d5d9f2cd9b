import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ShopifyEmulator, startShopifyEmulator, tokenFingerprint } from "../../emulators/shopify";

// The token endpoint over real HTTP: token exchange, refresh rotation, expiry, migration, revocation.

const shop = "oauth-test.myshopify.com";
const legacyToken = "shpat_legacy_non_expiring";
const clientId = "test-api-key";
const clientSecret = "test-app-secret";
const tokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
const idToken = "urn:ietf:params:oauth:token-type:id_token";
const offlineToken = "urn:shopify:params:oauth:token-type:offline-access-token";
const invalidTokenBody = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

interface TokenAnswer {
  access_token: string;
  scope: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

let emulator: ShopifyEmulator;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: shop, accessToken: legacyToken }] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An App Bridge session token, signed here rather than with the emulator's helper. */
function sessionToken(options: { shop?: string; secret?: string; aud?: string; expInSeconds?: number } = {}) {
  const domain = options.shop ?? shop;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://${domain}/admin`,
    dest: `https://${domain}`,
    aud: options.aud ?? clientId,
    sub: "70912345",
    exp: now + (options.expInSeconds ?? 60),
    nbf: now - 1,
    iat: now - 1,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const signed = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(claims)}`;
  const signature = createHmac("sha256", options.secret ?? clientSecret)
    .update(signed)
    .digest("base64url");
  return `${signed}.${signature}`;
}

async function tokenRequest(params: Record<string, string>, form = false) {
  const response = await fetch(emulator.tokenUrl, {
    method: "POST",
    headers: {
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
      accept: "application/json",
    },
    body: form ? new URLSearchParams(params).toString() : JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const credentials = { client_id: clientId, client_secret: clientSecret };

function exchange(subjectToken: string, extra: Record<string, string> = { expiring: "1" }) {
  return tokenRequest({
    ...credentials,
    grant_type: tokenExchange,
    subject_token: subjectToken,
    subject_token_type: idToken,
    requested_token_type: offlineToken,
    ...extra,
  });
}

const refresh = (refreshToken: string) =>
  tokenRequest({ ...credentials, grant_type: "refresh_token", refresh_token: refreshToken });

const migrate = (token: string) =>
  tokenRequest({
    ...credentials,
    grant_type: tokenExchange,
    subject_token: token,
    subject_token_type: offlineToken,
    requested_token_type: offlineToken,
    expiring: "1",
  });

async function expiringPair(): Promise<TokenAnswer> {
  const answer = await exchange(sessionToken());
  expect(answer.status).toBe(200);
  return answer.body as unknown as TokenAnswer;
}

async function graphql(token: string) {
  const response = await fetch(emulator.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query: "query ShopName { shop { name } }" }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("token exchange", () => {
  it("exchanges a session token for an expiring offline token and refresh token", async () => {
    const answer = await exchange(sessionToken());

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(
      ["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"].sort(),
    );
    const pair = answer.body as unknown as TokenAnswer;
    expect(pair.expires_in).toBe(3600);
    expect(pair.refresh_token_expires_in).toBe(90 * 24 * 3600);
    expect(pair.scope).toContain("read_orders");
    expect(await graphql(pair.access_token)).toMatchObject({
      status: 200,
      body: { data: { shop: { name: "oauth-test" } } },
    });
    expect(emulator.tokenRequests()).toEqual([
      expect.objectContaining({
        grantType: tokenExchange,
        subjectTokenType: idToken,
        shop,
        outcome: "issued",
        expiring: true,
        reused: false,
        refreshTokenIssued: tokenFingerprint(pair.refresh_token),
      }),
    ]);
  });

  it("issues a non-expiring token without expiring=1, and takes form bodies", async () => {
    const answer = await tokenRequest(
      {
        ...credentials,
        grant_type: tokenExchange,
        subject_token: sessionToken(),
        subject_token_type: idToken,
        requested_token_type: offlineToken,
      },
      true,
    );

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(["access_token", "scope"]);
    expect((await graphql(String(answer.body.access_token))).status).toBe(200);
  });

  it("refuses a session token signed with another secret", async () => {
    const answer = await exchange(sessionToken({ secret: "not-the-secret" }));

    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ outcome: "refused", error: "invalid_subject_token" });
  });

  it("refuses an expired session token, and one for another app", async () => {
    expect(await exchange(sessionToken({ expInSeconds: -10 }))).toMatchObject({
      status: 400,
      body: { error: "invalid_subject_token" },
    });
    expect(await exchange(sessionToken({ aud: "another-app" }))).toMatchObject({
      status: 400,
      body: { error: "invalid_subject_token" },
    });
  });

  it("refuses a session token for a shop it does not know", async () => {
    const answer = await exchange(sessionToken({ shop: "unknown-store.myshopify.com" }));

    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ shop: "unknown-store.myshopify.com", outcome: "refused" });
  });

  it("refuses online access tokens, which it does not emulate", async () => {
    const answer = await exchange(sessionToken(), {
      requested_token_type: "urn:shopify:params:oauth:token-type:online-access-token",
    });

    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });
});

describe("client credentials", () => {
  it("answers 401 invalid_client for a wrong secret, an unknown client or none", async () => {
    const pair = await expiringPair();
    const attempts = [{ ...credentials, client_secret: "wrong" }, { ...credentials, client_id: "someone-else" }, {}];
    for (const attempt of attempts) {
      const answer = await tokenRequest({ ...attempt, grant_type: "refresh_token", refresh_token: pair.refresh_token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    }
    // The refused attempts did not use the refresh token up.
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });
});

describe("refresh", () => {
  it("rotates the refresh token on every use and refuses the used one as a reuse", async () => {
    const first = await expiringPair();

    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const next = second.body as unknown as TokenAnswer;
    expect(next.access_token).not.toBe(first.access_token);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.expires_in).toBe(3600);
    expect((await graphql(next.access_token)).status).toBe(200);
    // One expiring token per app and shop: the new pair replaces the previous access token too.
    expect((await graphql(first.access_token)).status).toBe(401);

    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
    expect(emulator.tokenRequests({ grantType: "refresh_token" })).toEqual([
      expect.objectContaining({
        outcome: "issued",
        refreshTokenPresented: tokenFingerprint(first.refresh_token),
        refreshTokenIssued: tokenFingerprint(next.refresh_token),
        reused: false,
      }),
      expect.objectContaining({
        outcome: "refused",
        error: "invalid_grant",
        shop,
        refreshTokenPresented: tokenFingerprint(first.refresh_token),
        reused: true,
      }),
    ]);

    // The rotated token keeps working.
    expect((await refresh(next.refresh_token)).status).toBe(200);
  });

  it("refuses an unknown refresh token without calling it a reuse", async () => {
    const answer = await refresh("shprt_never_issued");

    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ outcome: "refused", reused: false });
  });

  it("refuses an expired refresh token", async () => {
    emulator.configureOAuth({ refreshTokenTtlSeconds: 1 });
    const pair = await expiringPair();
    expect(pair.refresh_token_expires_in).toBe(1);
    await sleep(1100);

    expect(await refresh(pair.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ reused: false });
  });
});

describe("access token expiry", () => {
  it("answers 401 once an expiring token is past its lifetime, and records it as expired", async () => {
    const configured = await fetch(`${emulator.origin}/__emulator/oauth`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tokenTtlSeconds: 1 }),
    });
    expect(await configured.json()).toEqual({ tokenTtlSeconds: 1, refreshTokenTtlSeconds: 90 * 24 * 3600 });
    const pair = await expiringPair();
    expect(pair.expires_in).toBe(1);
    expect((await graphql(pair.access_token)).status).toBe(200);

    await sleep(1100);
    const expired = await graphql(pair.access_token);

    expect(expired).toEqual({ status: 401, body: invalidTokenBody });
    expect(emulator.requests().map((request) => [request.status, request.tokenStatus, request.tokenExpired])).toEqual([
      [200, "valid", false],
      [401, "expired", true],
    ]);
    expect(emulator.requests().at(-1)?.shop).toBe(shop);

    // The refresh token brings it back.
    const refreshed = await refresh(pair.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await graphql(String(refreshed.body.access_token))).status).toBe(200);
  });

  it("leaves seeded tokens non-expiring, and reset restores the start lifetimes", async () => {
    emulator.configureOAuth({ tokenTtlSeconds: 1 });
    await sleep(1100);
    expect((await graphql(legacyToken)).status).toBe(200);

    emulator.reset();
    expect((await expiringPair()).expires_in).toBe(3600);
  });
});

describe("migration of a non-expiring token", () => {
  it("exchanges it for an expiring pair, after which the old token no longer opens the Admin API", async () => {
    expect((await graphql(legacyToken)).status).toBe(200);

    const answer = await migrate(legacyToken);

    expect(answer.status).toBe(200);
    const pair = answer.body as unknown as TokenAnswer;
    expect(pair).toEqual({
      access_token: expect.any(String),
      scope: expect.any(String),
      expires_in: 3600,
      refresh_token: expect.any(String),
      refresh_token_expires_in: 90 * 24 * 3600,
    });
    expect((await graphql(pair.access_token)).status).toBe(200);
    expect(await graphql(legacyToken)).toEqual({ status: 401, body: invalidTokenBody });
    expect(emulator.requests().at(-1)).toMatchObject({ tokenStatus: "revoked", tokenExpired: false });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({
      subjectTokenType: offlineToken,
      shop,
      outcome: "issued",
      migrationRetry: false,
    });
  });

  it("answers a retry with the old token within the window, until the pair is refreshed", async () => {
    const first = (await migrate(legacyToken)).body as unknown as TokenAnswer;

    // The answer was lost: retrying with the original token recovers a working pair.
    const retry = await migrate(legacyToken);
    expect(retry.status).toBe(200);
    const recovered = retry.body as unknown as TokenAnswer;
    expect(recovered).toMatchObject({ expires_in: 3600, refresh_token: expect.any(String) });
    expect((await graphql(recovered.access_token)).status).toBe(200);
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ outcome: "issued", migrationRetry: true });
    // Shopify answers the same pair on an eligible retry.
    expect(recovered.access_token).toBe(first.access_token);

    // Once the app has refreshed the pair, the recovery is over.
    expect((await refresh(recovered.refresh_token)).status).toBe(200);
    expect(await migrate(legacyToken)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect((await graphql(legacyToken)).status).toBe(401);
  });

  it("ends the recovery window seven days after the migration", async () => {
    let clock = Date.now();
    const timed = await startShopifyEmulator({ shops: [{ domain: shop, accessToken: legacyToken }], now: () => clock });
    try {
      const call = (token: string) =>
        fetch(timed.tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            ...credentials,
            grant_type: tokenExchange,
            subject_token: token,
            subject_token_type: offlineToken,
            requested_token_type: offlineToken,
            expiring: 1,
          }),
        });
      expect((await call(legacyToken)).status).toBe(200);
      clock += 6 * 24 * 3600 * 1000;
      const withinWindow = await call(legacyToken);
      expect(withinWindow.status).toBe(200);
      // The access token had expired by then: the retry extends it.
      expect(((await withinWindow.json()) as TokenAnswer).expires_in).toBe(3600);
      clock += 2 * 24 * 3600 * 1000;
      const late = await call(legacyToken);
      expect(late.status).toBe(400);
      expect(await late.json()).toMatchObject({ error: "invalid_subject_token" });
    } finally {
      await timed.close();
    }
  });

  it("refuses an unknown token and an already expiring one", async () => {
    expect(await migrate("shpat_unknown")).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    const pair = await expiringPair();
    expect(await migrate(pair.access_token)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });
});

describe("revocation", () => {
  it("revokes a shop's refresh tokens through the emulator object", async () => {
    const pair = await expiringPair();

    expect(emulator.revokeRefreshTokens(shop)).toEqual({ shop, refreshTokens: 1, accessTokens: 0 });

    expect(await refresh(pair.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(emulator.tokenRequests().at(-1)).toMatchObject({ outcome: "refused", reused: false });
    // The access token lives on until it expires.
    expect((await graphql(pair.access_token)).status).toBe(200);
  });

  it("revokes refresh and access tokens through the control API (an uninstall)", async () => {
    const pair = await expiringPair();

    const revoked = await fetch(`${emulator.origin}/__emulator/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ shop, accessTokens: true }),
    });

    expect(await revoked.json()).toEqual({ shop, refreshTokens: 1, accessTokens: 2 });
    expect((await refresh(pair.refresh_token)).status).toBe(400);
    expect(await graphql(pair.access_token)).toEqual({ status: 401, body: invalidTokenBody });
    expect((await graphql(legacyToken)).status).toBe(401);
  });

  it("lists the token requests over the control API", async () => {
    await expiringPair();
    await refresh("shprt_nope");

    const listed = await fetch(`${emulator.origin}/__emulator/oauth/requests?grantType=refresh_token`);

    expect(await listed.json()).toEqual([
      expect.objectContaining({ grantType: "refresh_token", outcome: "refused", error: "invalid_grant" }),
    ]);
  });
});
