import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Shop } from "./model";
import type { EmulatorState } from "./state";

// Shopify's token endpoint, POST https://<shop>/admin/oauth/access_token (shopify.dev "Offline access tokens",
// "Exchange a session token for an access token", "Migrate to expiring offline access tokens").

export const tokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
export const refreshTokenGrantType = "refresh_token";
export const idTokenType = "urn:ietf:params:oauth:token-type:id_token";
export const offlineAccessTokenType = "urn:shopify:params:oauth:token-type:offline-access-token";
export const onlineAccessTokenType = "urn:shopify:params:oauth:token-type:online-access-token";

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** The `scope` the answers carry; default {@link defaultScope}. */
  scope?: string;
}

export interface TokenLifetimes {
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export const defaultApps: OAuthApp[] = [{ clientId: "test-api-key", clientSecret: "test-app-secret" }];
// The scopes of shopify.app.toml (copied, not read: the emulator takes nothing from the app).
export const defaultScope =
  "read_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders," +
  "read_third_party_fulfillment_orders,write_third_party_fulfillment_orders,read_products";
// Expiring offline tokens last 60 minutes, their refresh tokens 90 days (shopify.dev "Offline access tokens").
export const defaultLifetimes: TokenLifetimes = { tokenTtlSeconds: 3600, refreshTokenTtlSeconds: 90 * 24 * 3600 };
// A lost migration answer can be recovered by retrying with the original token for seven days (changelog "More
// resilient token exchanges when migrating tokens without a user session").
export const migrationRecoverySeconds = 7 * 24 * 3600;
// What @shopify/shopify-api allows when it verifies a session token.
const sessionTokenSkewSeconds = 5;

/** How the GraphQL endpoint saw a request's X-Shopify-Access-Token. */
export type TokenStatus = "valid" | "missing" | "unknown" | "expired" | "revoked";
export type RevocationReason = "rotated" | "replaced" | "migrated" | "revoked";

export interface RecordedTokenRequest {
  at: string;
  grantType: string | null;
  subjectTokenType?: string;
  requestedTokenType?: string;
  clientId?: string;
  shop?: string;
  /** `expiring=1` was sent (refresh answers always expire). */
  expiring: boolean;
  outcome: "issued" | "refused";
  status: number;
  error?: string;
  errorDescription?: string;
  /** {@link tokenFingerprint} of the refresh token a refresh request presented. */
  refreshTokenPresented?: string;
  /** {@link tokenFingerprint} of the refresh token the answer carried. */
  refreshTokenIssued?: string;
  /** A refresh token that was valid once and had already been used (rotation) was presented again. */
  reused: boolean;
  /** A migration retried with an already migrated non-expiring token (the lost-answer recovery). */
  migrationRetry: boolean;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  [claim: string]: unknown;
}

interface AccessTokenRecord {
  token: string;
  shop: string;
  clientId: string;
  scope: string;
  issuedAtMs: number;
  /** `null`: a non-expiring offline token. */
  expiresAtMs: number | null;
  revoked: RevocationReason | null;
}

interface RefreshTokenRecord {
  token: string;
  shop: string;
  clientId: string;
  scope: string;
  issuedAtMs: number;
  expiresAtMs: number;
  accessToken: string;
  usedAtMs: number | null;
  revoked: RevocationReason | null;
}

interface MigrationRecord {
  shop: string;
  clientId: string;
  migratedAtMs: number;
  accessToken: string;
  refreshToken: string;
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidRequest = (description: string) => new OAuthError(400, "invalid_request", description);
const invalidGrant = (description: string) => new OAuthError(400, "invalid_grant", description);
const invalidSubjectToken = (description: string) => new OAuthError(400, "invalid_subject_token", description);

/** A short, stable hash of a token, for records and logs that must not hold the token itself. */
export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/** The session token (ID token) App Bridge hands an embedded app: an HS256 JWT signed with the client secret. */
export function signSessionToken(input: {
  shop: string;
  clientId?: string;
  clientSecret?: string;
  nowMs?: number;
  ttlSeconds?: number;
  claims?: Partial<SessionTokenClaims>;
}): string {
  const app = defaultApps[0] as OAuthApp;
  const issuedAt = Math.floor((input.nowMs ?? Date.now()) / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.clientId ?? app.clientId,
    sub: "42",
    exp: issuedAt + (input.ttlSeconds ?? 60),
    nbf: issuedAt,
    iat: issuedAt,
    jti: randomBytes(16).toString("hex"),
    sid: randomBytes(16).toString("hex"),
    ...input.claims,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signed = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  const signature = createHmac("sha256", input.clientSecret ?? app.clientSecret)
    .update(signed)
    .digest("base64url");
  return `${signed}.${signature}`;
}

/** Verifies a session token for `app` and answers the shop domain its `dest` names. */
function verifySessionToken(token: string | undefined, app: OAuthApp, nowMs: number): string {
  if (!token) throw invalidRequest("subject_token is required");
  const [header, payload, signature, ...rest] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    throw invalidSubjectToken("The session token is not a JWT");
  }
  let parsedHeader: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw invalidSubjectToken("The session token is not a JWT");
  }
  if (parsedHeader.alg !== "HS256") throw invalidSubjectToken("The session token must be signed with HS256");
  const expected = Buffer.from(
    createHmac("sha256", app.clientSecret).update(`${header}.${payload}`).digest("base64url"),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw invalidSubjectToken("The session token signature is invalid");
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(app.clientId)) throw invalidSubjectToken("The session token was issued for another app");
  const nowSeconds = nowMs / 1000;
  if (typeof claims.exp !== "number" || nowSeconds > claims.exp + sessionTokenSkewSeconds) {
    throw invalidSubjectToken("The session token has expired");
  }
  if (typeof claims.nbf === "number" && nowSeconds + sessionTokenSkewSeconds < claims.nbf) {
    throw invalidSubjectToken("The session token is not valid yet");
  }
  const shop = typeof claims.dest === "string" ? httpsHost(claims.dest) : undefined;
  if (!shop) throw invalidSubjectToken("The session token has no valid dest claim");
  if (claims.iss !== undefined && (typeof claims.iss !== "string" || httpsHost(claims.iss) !== shop)) {
    throw invalidSubjectToken("The session token's iss and dest name different shops");
  }
  return shop;
}

function httpsHost(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

const isExpiring = (value: string | undefined) => value === "1" || value === "true";

/**
 * The tokens the token endpoint issued, and its rules: rotation of refresh tokens, one expiring pair per app and
 * shop, migration of non-expiring tokens. Tokens seeded with a shop (`shops: [{accessToken}]`, POST
 * /__emulator/shops) stay in `Shop.accessTokens` and never expire.
 */
export class OAuthTokens {
  readonly requests: RecordedTokenRequest[] = [];
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Keyed by the migrated non-expiring token. */
  private readonly migrations = new Map<string, MigrationRecord>();
  /** Non-expiring tokens Shopify will not move to an expiring pair (they keep opening the Admin API). */
  private readonly unmigratable = new Map<string, string>();
  private lifetimes: TokenLifetimes;

  constructor(
    private readonly state: EmulatorState,
    private readonly apps: OAuthApp[],
    private readonly startLifetimes: TokenLifetimes,
    private readonly now: () => number = Date.now,
  ) {
    this.lifetimes = { ...startLifetimes };
  }

  /** Forgets every issued token and request, and restores the start lifetimes. */
  reset(): void {
    this.requests.length = 0;
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.migrations.clear();
    this.unmigratable.clear();
    this.lifetimes = { ...this.startLifetimes };
  }

  /**
   * A fault to inject: Shopify refuses to exchange this non-expiring token (400 invalid_subject_token with
   * `description`) while the token itself keeps working on the Admin API, as when Shopify declines a migration.
   */
  refuseMigrationOf(token: string, description = "The access token cannot be migrated"): void {
    this.unmigratable.set(token, description);
  }

  get clientIds(): string[] {
    return this.apps.map((app) => app.clientId);
  }

  currentLifetimes(): TokenLifetimes {
    return { ...this.lifetimes };
  }

  /** New lifetimes apply to tokens issued from now on. */
  configure(lifetimes: Partial<TokenLifetimes>): TokenLifetimes {
    for (const [key, value] of Object.entries(lifetimes)) {
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        throw new Error(`${key} must be a positive number of seconds`);
      }
    }
    this.lifetimes = {
      tokenTtlSeconds: lifetimes.tokenTtlSeconds ?? this.lifetimes.tokenTtlSeconds,
      refreshTokenTtlSeconds: lifetimes.refreshTokenTtlSeconds ?? this.lifetimes.refreshTokenTtlSeconds,
    };
    return this.currentLifetimes();
  }

  /** What the GraphQL endpoint makes of an X-Shopify-Access-Token; `shop` is set only for a valid token. */
  authenticate(token: string | undefined): { status: TokenStatus; shop?: Shop; domain: string | null } {
    if (!token) return { status: "missing", domain: null };
    const issued = this.accessTokens.get(token);
    if (issued) {
      if (issued.revoked) return { status: "revoked", domain: issued.shop };
      if (issued.expiresAtMs !== null && this.now() >= issued.expiresAtMs) {
        return { status: "expired", domain: issued.shop };
      }
      const shop = this.state.shops.get(issued.shop);
      return shop ? { status: "valid", shop, domain: shop.domain } : { status: "unknown", domain: null };
    }
    const seeded = this.state.shopForToken(token);
    if (seeded) return { status: "valid", shop: seeded, domain: seeded.domain };
    const migrated = this.migrations.get(token);
    if (migrated) return { status: "revoked", domain: migrated.shop };
    return { status: "unknown", domain: null };
  }

  /**
   * The merchant uninstalled the app, or the app's tokens were revoked: the shop's refresh tokens stop working.
   * `accessTokens: true` revokes its access tokens as well, seeded ones included (an uninstall).
   */
  revokeRefreshTokens(shop: string, options: { accessTokens?: boolean } = {}) {
    let refreshTokens = 0;
    let accessTokens = 0;
    for (const record of this.refreshTokens.values()) {
      if (record.shop === shop && !record.revoked) {
        record.revoked = "revoked";
        refreshTokens += 1;
      }
    }
    if (options.accessTokens) {
      for (const record of this.accessTokens.values()) {
        if (record.shop === shop && !record.revoked) {
          record.revoked = "revoked";
          accessTokens += 1;
        }
      }
      const seeded = this.state.shops.get(shop);
      if (seeded) {
        accessTokens += seeded.accessTokens.length;
        seeded.accessTokens.length = 0;
      }
    }
    return { shop, refreshTokens, accessTokens };
  }

  snapshot() {
    const now = this.now();
    const accessStatus = (record: AccessTokenRecord): TokenStatus =>
      record.revoked ? "revoked" : record.expiresAtMs !== null && now >= record.expiresAtMs ? "expired" : "valid";
    return {
      ...this.currentLifetimes(),
      clientIds: this.clientIds,
      accessTokens: [...this.accessTokens.values()].map((record) => ({
        ...record,
        issuedAt: new Date(record.issuedAtMs).toISOString(),
        expiresAt: record.expiresAtMs === null ? null : new Date(record.expiresAtMs).toISOString(),
        status: accessStatus(record),
      })),
      refreshTokens: [...this.refreshTokens.values()].map((record) => ({
        ...record,
        fingerprint: tokenFingerprint(record.token),
        issuedAt: new Date(record.issuedAtMs).toISOString(),
        expiresAt: new Date(record.expiresAtMs).toISOString(),
        status:
          record.usedAtMs !== null
            ? "used"
            : record.revoked
              ? "revoked"
              : now >= record.expiresAtMs
                ? "expired"
                : "valid",
      })),
      migrations: [...this.migrations.entries()].map(([token, record]) => ({
        token,
        ...record,
        migratedAt: new Date(record.migratedAtMs).toISOString(),
      })),
    };
  }

  /** One POST /admin/oauth/access_token; `params` is `null` when the body could not be parsed. */
  handleTokenRequest(params: Record<string, string> | null): TokenAnswer {
    const record: RecordedTokenRequest = {
      at: new Date(this.now()).toISOString(),
      grantType: params?.grant_type ?? null,
      ...(params?.subject_token_type ? { subjectTokenType: params.subject_token_type } : {}),
      ...(params?.requested_token_type ? { requestedTokenType: params.requested_token_type } : {}),
      ...(params?.client_id ? { clientId: params.client_id } : {}),
      expiring: isExpiring(params?.expiring),
      outcome: "refused",
      status: 400,
      reused: false,
      migrationRetry: false,
    };
    this.requests.push(record);
    try {
      if (!params) throw invalidRequest("The body must be JSON or application/x-www-form-urlencoded");
      const app = this.apps.find((candidate) => candidate.clientId === params.client_id);
      if (!app || !params.client_secret || !safeEqual(app.clientSecret, params.client_secret)) {
        throw new OAuthError(
          401,
          "invalid_client",
          "Client authentication failed: unknown client_id or wrong client_secret",
        );
      }
      const body = this.grant(app, params, record);
      record.outcome = "issued";
      record.status = 200;
      if (typeof body.refresh_token === "string") record.refreshTokenIssued = tokenFingerprint(body.refresh_token);
      return { status: 200, body };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      record.status = error.status;
      record.error = error.error;
      record.errorDescription = error.description;
      return { status: error.status, body: { error: error.error, error_description: error.description } };
    }
  }

  private grant(app: OAuthApp, params: Record<string, string>, record: RecordedTokenRequest): Record<string, unknown> {
    const grantType = params.grant_type;
    if (grantType === refreshTokenGrantType) return this.refresh(app, params, record);
    if (grantType !== tokenExchangeGrantType) {
      throw new OAuthError(400, "unsupported_grant_type", `grant_type ${grantType ?? "(missing)"} is not supported`);
    }
    if (params.requested_token_type === onlineAccessTokenType) {
      throw invalidRequest("Online access tokens are not emulated");
    }
    if (params.requested_token_type !== offlineAccessTokenType) {
      throw invalidRequest(`requested_token_type must be ${offlineAccessTokenType}`);
    }
    if (params.subject_token_type === idTokenType) return this.exchangeSessionToken(app, params, record);
    if (params.subject_token_type === offlineAccessTokenType) return this.migrate(app, params, record);
    throw invalidRequest(`subject_token_type must be ${idTokenType} or ${offlineAccessTokenType}`);
  }

  private exchangeSessionToken(
    app: OAuthApp,
    params: Record<string, string>,
    record: RecordedTokenRequest,
  ): Record<string, unknown> {
    const domain = verifySessionToken(params.subject_token, app, this.now());
    record.shop = domain;
    if (!this.state.shops.has(domain)) throw invalidSubjectToken(`Shop ${domain} is not known`);
    const scope = app.scope ?? defaultScope;
    if (record.expiring) return pairAnswer(this.issuePair(app, domain, scope), this.now());
    const token = this.newAccessToken(app, domain, scope, null);
    return { access_token: token.token, scope };
  }

  private refresh(
    app: OAuthApp,
    params: Record<string, string>,
    record: RecordedTokenRequest,
  ): Record<string, unknown> {
    record.expiring = true;
    const presented = params.refresh_token;
    if (!presented) throw invalidRequest("refresh_token is required");
    record.refreshTokenPresented = tokenFingerprint(presented);
    const found = this.refreshTokens.get(presented);
    if (!found || found.clientId !== app.clientId) throw invalidGrant("The refresh token is invalid");
    record.shop = found.shop;
    if (found.usedAtMs !== null) {
      record.reused = true;
      throw invalidGrant("The refresh token has already been used");
    }
    if (found.revoked) throw invalidGrant("The refresh token has been revoked");
    if (this.now() >= found.expiresAtMs) throw invalidGrant("The refresh token has expired");
    if (!this.state.shops.has(found.shop)) throw invalidGrant(`Shop ${found.shop} is not known`);
    found.usedAtMs = this.now();
    found.revoked = "rotated";
    return pairAnswer(this.issuePair(app, found.shop, found.scope), this.now());
  }

  private migrate(
    app: OAuthApp,
    params: Record<string, string>,
    record: RecordedTokenRequest,
  ): Record<string, unknown> {
    const subject = params.subject_token;
    if (!subject) throw invalidRequest("subject_token is required");
    if (!record.expiring) throw invalidRequest("expiring=1 is required to exchange an offline access token");
    const now = this.now();

    const refusal = this.unmigratable.get(subject);
    if (refusal !== undefined) throw invalidSubjectToken(refusal);

    const previous = this.migrations.get(subject);
    if (previous) {
      // Shopify answers a retry with the same pair, extends the access token when needed, not the refresh token.
      record.migrationRetry = true;
      record.shop = previous.shop;
      if (previous.clientId !== app.clientId) throw invalidSubjectToken("The access token belongs to another app");
      if (now - previous.migratedAtMs > migrationRecoverySeconds * 1000) {
        throw invalidSubjectToken("The access token was migrated more than 7 days ago");
      }
      const access = this.accessTokens.get(previous.accessToken);
      const refresh = this.refreshTokens.get(previous.refreshToken);
      if (!access || !refresh || access.revoked || refresh.revoked || now >= refresh.expiresAtMs) {
        throw invalidSubjectToken("The access token was migrated and its pair has since been refreshed or replaced");
      }
      access.expiresAtMs = Math.max(access.expiresAtMs ?? 0, now + this.lifetimes.tokenTtlSeconds * 1000);
      return pairAnswer({ access, refresh }, now);
    }

    const issued = this.accessTokens.get(subject);
    const seeded = issued ? undefined : this.state.shopForToken(subject);
    if (issued) {
      record.shop = issued.shop;
      if (issued.clientId !== app.clientId) throw invalidSubjectToken("The access token belongs to another app");
      if (issued.expiresAtMs !== null) throw invalidSubjectToken("The access token is already an expiring token");
      if (issued.revoked) throw invalidSubjectToken("The access token has been revoked");
      if (!this.state.shops.has(issued.shop)) throw invalidSubjectToken(`Shop ${issued.shop} is not known`);
    } else if (seeded) {
      record.shop = seeded.domain;
    } else {
      throw invalidSubjectToken("The access token is invalid");
    }

    const domain = issued?.shop ?? (seeded as Shop).domain;
    // After the migration the non-expiring token no longer opens the Admin API.
    if (issued) issued.revoked = "migrated";
    if (seeded) seeded.accessTokens.splice(seeded.accessTokens.indexOf(subject), 1);
    const pair = this.issuePair(app, domain, issued?.scope ?? app.scope ?? defaultScope);
    this.migrations.set(subject, {
      shop: domain,
      clientId: app.clientId,
      migratedAtMs: now,
      accessToken: pair.access.token,
      refreshToken: pair.refresh.token,
    });
    return pairAnswer(pair, now);
  }

  /** Shopify keeps one expiring offline token per app and shop: a new one revokes the previous ones. */
  private issuePair(app: OAuthApp, shop: string, scope: string) {
    const belongs = (record: { shop: string; clientId: string; revoked: RevocationReason | null }) =>
      record.shop === shop && record.clientId === app.clientId && !record.revoked;
    for (const record of this.accessTokens.values()) {
      if (belongs(record) && record.expiresAtMs !== null) record.revoked = "replaced";
    }
    for (const record of this.refreshTokens.values()) if (belongs(record)) record.revoked = "replaced";

    const now = this.now();
    const access = this.newAccessToken(app, shop, scope, now + this.lifetimes.tokenTtlSeconds * 1000);
    const refresh: RefreshTokenRecord = {
      token: `shprt_${randomBytes(16).toString("hex")}`,
      shop,
      clientId: app.clientId,
      scope,
      issuedAtMs: now,
      expiresAtMs: now + this.lifetimes.refreshTokenTtlSeconds * 1000,
      accessToken: access.token,
      usedAtMs: null,
      revoked: null,
    };
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  private newAccessToken(app: OAuthApp, shop: string, scope: string, expiresAtMs: number | null): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: `shpat_${randomBytes(16).toString("hex")}`,
      shop,
      clientId: app.clientId,
      scope,
      issuedAtMs: this.now(),
      expiresAtMs,
      revoked: null,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }
}

function pairAnswer(pair: { access: AccessTokenRecord; refresh: RefreshTokenRecord }, now: number) {
  const secondsUntil = (ms: number) => Math.max(0, Math.round((ms - now) / 1000));
  return {
    access_token: pair.access.token,
    scope: pair.access.scope,
    expires_in: secondsUntil(pair.access.expiresAtMs ?? now),
    refresh_token: pair.refresh.token,
    refresh_token_expires_in: secondsUntil(pair.refresh.expiresAtMs),
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token endpoint takes JSON or a form body; values are read as strings (`"expiring": 1` is `"1"`). */
export function parseTokenParams(raw: string, contentType: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  if (contentType.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(raw)) params[key] = value;
    return params;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      params[key] = String(value);
    }
  }
  return params;
}
