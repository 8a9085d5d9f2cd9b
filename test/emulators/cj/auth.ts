import { cjIsoDate } from "./clock.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { GET_ACCESS_TOKEN_INTERVAL_MS } from "./limits.js";
import type { Account, TokenPair } from "./state.js";
import { isAbsent, isRecord } from "./validation.js";

/** CJ caches the token pair for 24 h: a repeated getAccessToken returns the same tokens (cj-api-facts.md). */
const TOKEN_CACHE_MS = 24 * 3600 * 1000;

function tokenAnswer(account: Account, pair: TokenPair) {
  return {
    openId: account.openId,
    accessToken: pair.accessToken,
    accessTokenExpiryDate: cjIsoDate(pair.accessExpiresAt),
    refreshToken: pair.refreshToken,
    refreshTokenExpiryDate: cjIsoDate(pair.refreshExpiresAt),
    createDate: cjIsoDate(pair.createdAt),
  };
}

export function issueTokenPair(ctx: EmulatorContext, account: Account): TokenPair {
  const now = ctx.clock.now();
  const pair: TokenPair = {
    accountId: account.id,
    accessToken: ctx.random.hex(32),
    refreshToken: ctx.random.hex(32),
    createdAt: now,
    accessExpiresAt: now + ctx.options.accessTokenTtlMs,
    refreshExpiresAt: now + ctx.options.refreshTokenTtlMs,
    revoked: false,
  };
  ctx.state.tokens.push(pair);
  return pair;
}

export const getAccessToken: Handler = (ctx, req) => {
  if (!isRecord(req.body) || isAbsent(req.body.apiKey) || typeof req.body.apiKey !== "string") throw paramError();
  const account = ctx.state.accountByApiKey(req.body.apiKey);
  if (!account) throw failure(1600001);
  const now = ctx.clock.now();
  if (account.lastGetAccessTokenAt !== null && now - account.lastGetAccessTokenAt < GET_ACCESS_TOKEN_INTERVAL_MS) {
    ctx.state.authViolations.push({
      accountId: account.id,
      at: cjIsoDate(now),
      sinceLastMs: now - account.lastGetAccessTokenAt,
    });
    if (ctx.options.authThrottle === "reject") {
      throw new CjFailure(1600200, "Too Many Requests, getAccessToken can only be called once every 5 minutes");
    }
  }
  account.lastGetAccessTokenAt = now;
  const cached = ctx.state.tokens.find(
    (t) => t.accountId === account.id && !t.revoked && t.accessExpiresAt > now && now - t.createdAt < TOKEN_CACHE_MS,
  );
  return { data: tokenAnswer(account, cached ?? issueTokenPair(ctx, account)) };
};

export const refreshAccessToken: Handler = (ctx, req) => {
  const body = req.body;
  if (!isRecord(body) || isAbsent(body.refreshToken)) throw paramError();
  const refreshToken = String(body.refreshToken);
  const now = ctx.clock.now();
  const old = ctx.state.tokens.find((t) => t.refreshToken === refreshToken);
  if (!old || old.revoked || old.refreshExpiresAt <= now) throw failure(1600003);
  const account = ctx.state.accounts.get(old.accountId);
  if (!account) throw failure(1600003);
  old.revoked = true;
  return { data: tokenAnswer(account, issueTokenPair(ctx, account)) };
};

export const logout: Handler = (ctx, req) => {
  const account = accountOf(req);
  const token = headerToken(req.headers);
  for (const pair of ctx.state.tokens) {
    if (pair.accountId === account.id && pair.accessToken === token) pair.revoked = true;
  }
  return { data: true };
};

export function headerToken(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers["cj-access-token"];
  const token = Array.isArray(value) ? value[0] : value;
  return token === undefined || token.trim() === "" ? null : token.trim();
}

/**
 * The account a request belongs to, without judging it (for recording and fault matching): by access token, or by
 * the apiKey / refreshToken of the token endpoints.
 */
export function peekAccount(ctx: EmulatorContext, token: string | null, body: unknown): Account | null {
  const pair =
    token !== null
      ? ctx.state.tokens.find((t) => t.accessToken === token)
      : isRecord(body) && typeof body.refreshToken === "string"
        ? ctx.state.tokens.find((t) => t.refreshToken === body.refreshToken)
        : undefined;
  if (pair) return ctx.state.accounts.get(pair.accountId) ?? null;
  if (isRecord(body) && typeof body.apiKey === "string") return ctx.state.accountByApiKey(body.apiKey) ?? null;
  return null;
}

/** 1600002 without a token; 1600001 for an unknown, expired or logged-out one. */
export function authenticate(ctx: EmulatorContext, token: string | null): Account {
  if (token === null) throw failure(1600002);
  const pair = ctx.state.tokens.find((t) => t.accessToken === token);
  if (!pair || pair.revoked || pair.accessExpiresAt <= ctx.clock.now()) throw failure(1600001);
  const account = ctx.state.accounts.get(pair.accountId);
  if (!account) throw failure(1600001);
  return account;
}
