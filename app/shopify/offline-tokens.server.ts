/**
 * The one refresh-aware path to a shop's offline Admin token, for every call made without a merchant present (jobs,
 * webhooks, sweeps, the extension API). Public apps must use expiring offline tokens from 1 January 2027: a token
 * lasts 60 minutes and comes with a refresh token that Shopify replaces on every use, and a new pair revokes the old
 * one (shopify-facts "Expiring offline tokens"). So:
 * - a token is refreshed shortly before it expires (SHOPIFY_TOKEN_REFRESH_MARGIN_SECONDS, default 6 minutes: more
 *   than shopify-app-remix's own 5, so the library never finds one to refresh), and once after a 401;
 * - a refresh is single-flight per shop: in this process (one promise per shop) and, on PostgreSQL, across processes
 *   (an advisory lock per shop, the stored session re-read once it is held: another process may have refreshed
 *   already, and a rotated refresh token must never be presented twice);
 * - a refresh token Shopify refuses (revoked, expired) leaves the shop "Reconnect needed" with the reason, and the
 *   session marked expired so that the next `authenticate.admin` (the merchant opening the app) performs a token
 *   exchange; jobs meanwhile wait (ReconnectNeededError) instead of failing;
 * - a shop still on a non-expiring token is moved to an expiring one by `migrateToExpiringToken` (Shopify's token
 *   exchange of an existing offline token; a lost answer is recovered by asking again within seven days).
 * Custom-app tokens (shop:connect --access-token: session state CUSTOM_APP_STATE) do not expire and are used as they are.
 */
import { Session } from "@shopify/shopify-api";
import pg from "pg";
import { fetch as undiciFetch } from "undici";
import { databaseProfile } from "../db/profile";
import type { Db } from "../db.server";
import { logger } from "../logger.server";
import type { EncryptedPrismaSessionStorage } from "../secrets/session-storage.server";
import { type AdminGraphql, ShopifyGraphqlError } from "./graphql";

/** Session.state of an offline session registered from a custom app's token (never expires, never migrated). */
export const CUSTOM_APP_STATE = "custom-app";
const LEGACY_CUSTOM_APP_STATE = "connected";

export const offlineSessionId = (shop: string) => `offline_${shop}`;

/** The shop (or its CJ account) is not connected: what the merchant must do is in the message. */
export class NotConnectedError extends Error {}

/** Shopify no longer accepts the app's token for this shop: the merchant must open the app once. */
export class ReconnectNeededError extends Error {
  override readonly name = "ReconnectNeededError";
  constructor(
    readonly shop: string,
    readonly reason: string,
  ) {
    super(`${shop}: reconnect needed: ${reason}`);
  }
}

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface OfflineTokensOptions {
  db: Db;
  sessions: EncryptedPrismaSessionStorage;
  env?: NodeJS.ProcessEnv;
  fetch?: FetchLike;
  now?: () => number;
}

export interface OfflineTokens {
  /** A token good for at least the refresh margin (refreshing it first when needed). */
  accessToken(shop: string): Promise<string>;
  /** After Shopify answered 401 to `rejected`: the newer token another process stored, or a refreshed one. */
  afterUnauthorized(shop: string, rejected: string): Promise<string>;
  /** A non-expiring (public app) token → an expiring pair; "skipped" when there is nothing to migrate. */
  migrateToExpiringToken(shop: string): Promise<"migrated" | "skipped" | "refused">;
}

interface TokenAnswer {
  access_token?: string;
  scope?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  error?: string;
  error_description?: string;
}

const REFRESH_LOCK = 727_304;
/** A past expiry that reads as one (Prisma's session storage drops an `expires` of 0 ms as "never expires"). */
const EXPIRED = new Date(Date.UTC(2000, 0, 1));

export function createOfflineTokens(options: OfflineTokensOptions): OfflineTokens {
  const { db, sessions } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? (undiciFetch as unknown as FetchLike);
  const marginMs = Number(env.SHOPIFY_TOKEN_REFRESH_MARGIN_SECONDS ?? 360) * 1000;
  const shared = databaseProfile(env.DATABASE_URL) === "postgresql";
  const inFlight = new Map<string, Promise<string>>();

  const tokenEndpoint = (shop: string) =>
    `${(env.SHOPIFY_ADMIN_API_ORIGIN ?? `https://${shop}`).replace(/\/+$/, "")}/admin/oauth/access_token`;
  const expiring = (s: Session) => Boolean(s.expires && s.refreshToken);
  const fresh = (s: Session) => !s.expires || s.expires.getTime() - now() > marginMs;

  const load = async (shop: string) => {
    const session = await sessions.loadSession(offlineSessionId(shop));
    if (!session?.accessToken) {
      throw new NotConnectedError(
        `No offline Shopify session for ${shop}: open the app from the Shopify admin (or run shop:connect).`,
      );
    }
    return session;
  };

  const reconnectState = (shop: string) =>
    db.shop.findUnique({ where: { domain: shop }, select: { reconnectReason: true } });

  async function needReconnect(shop: string, refused: Session, reason: string): Promise<never> {
    const at = new Date(now());
    await db.shop.updateMany({
      where: { domain: shop, reconnectReason: null },
      data: { reconnectReason: reason, reconnectSince: at },
    });
    // Expired, so that the next authenticate.admin (the merchant opening the app) performs a token exchange — only
    // the pair Shopify refused: a newer one stored meanwhile is left alone. A custom app's session is left as it is
    // (it cannot be exchanged; the operator runs shop:connect with a new token).
    if (!isCustomApp(refused)) {
      await db.session.updateMany({
        where: { id: offlineSessionId(shop), expires: refused.expires ?? null },
        data: { expires: EXPIRED },
      });
    }
    logger.error({ shop, reason }, "Shopify refused the app's offline token: reconnect needed");
    throw new ReconnectNeededError(shop, reason);
  }

  async function callTokenEndpoint(
    shop: string,
    body: Record<string, string>,
  ): Promise<TokenAnswer & { status: number }> {
    const response = await doFetch(tokenEndpoint(shop), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: env.SHOPIFY_API_KEY ?? "",
        client_secret: env.SHOPIFY_API_SECRET ?? "",
        ...body,
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let answer: TokenAnswer = {};
    try {
      answer = JSON.parse(text) as TokenAnswer;
    } catch {
      // A 5xx page: the status says enough.
    }
    return { ...answer, status: response.status };
  }

  async function storePair(shop: string, previous: Session, answer: TokenAnswer): Promise<string> {
    if (!answer.access_token || !answer.refresh_token || !answer.expires_in) {
      throw new Error(`Shopify's token answer for ${shop} lacks an expiring token pair`);
    }
    const at = now();
    const session = new Session({
      id: offlineSessionId(shop),
      shop,
      state: "",
      isOnline: false,
      scope: answer.scope ?? previous.scope ?? "",
      accessToken: answer.access_token,
      expires: new Date(at + answer.expires_in * 1000),
      refreshToken: answer.refresh_token,
      refreshTokenExpires: answer.refresh_token_expires_in
        ? new Date(at + answer.refresh_token_expires_in * 1000)
        : undefined,
    });
    await sessions.storeSession(session);
    return answer.access_token;
  }

  /** Under the shop's lock: the stored token if another process already renewed `seen`, else a refresh. */
  async function refreshLocked(shop: string, seen: string): Promise<string> {
    const session = await load(shop);
    if (session.accessToken !== seen && fresh(session)) return session.accessToken as string;
    const reason = (await reconnectState(shop))?.reconnectReason;
    if (reason) throw new ReconnectNeededError(shop, reason);
    if (!expiring(session)) {
      return needReconnect(
        shop,
        session,
        isCustomApp(session)
          ? "Shopify refused the custom app's access token: create a new one in the store's admin and run shop:connect with it."
          : "Shopify refused the app's access token. Open the app from your Shopify admin to reconnect.",
      );
    }
    const answer = await callTokenEndpoint(shop, {
      grant_type: "refresh_token",
      refresh_token: session.refreshToken as string,
    });
    if (answer.status === 200) {
      logger.info({ shop }, "Shopify offline token refreshed");
      return storePair(shop, session, answer);
    }
    if (answer.status === 400 || answer.status === 401) {
      // The merchant's visit may have exchanged a new pair meanwhile (which revoked ours): that one is good.
      const latest = await load(shop);
      if (latest.accessToken !== session.accessToken && fresh(latest)) return latest.accessToken as string;
      return needReconnect(
        shop,
        session,
        `Shopify no longer accepts the app's refresh token (${answer.error ?? answer.status}${answer.error_description ? `: ${answer.error_description}` : ""}). Open the app from your Shopify admin to reconnect.`,
      );
    }
    throw new Error(`Refreshing the Shopify token of ${shop} failed: HTTP ${answer.status}`);
  }

  /**
   * The cross-process lock: a session-level advisory lock on a connection of its own, held until the new pair is
   * stored and released in `finally` (or by PostgreSQL when the process dies). Not a transaction-scoped lock inside a
   * Prisma transaction: its timeout could release the lock while the refresh is still running, and a second process
   * would then present the same refresh token.
   */
  let lockPool: pg.Pool | null = null;
  async function withShopLock<T>(shop: string, work: () => Promise<T>): Promise<T> {
    lockPool ??= new pg.Pool({
      connectionString: env.DATABASE_URL,
      max: 3,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    const client = await lockPool.connect();
    try {
      await client.query("SET lock_timeout = '90s'");
      await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [REFRESH_LOCK, shop]);
      try {
        return await work();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [REFRESH_LOCK, shop]);
      }
    } finally {
      client.release();
    }
  }

  /** One refresh per shop at a time: in this process, and on PostgreSQL across processes. */
  function singleFlight(shop: string, work: () => Promise<string>): Promise<string> {
    const running = inFlight.get(shop);
    if (running) return running;
    const locked = shared ? withShopLock(shop, work) : work();
    const promise = locked.finally(() => inFlight.delete(shop));
    inFlight.set(shop, promise);
    return promise;
  }

  return {
    async accessToken(shop) {
      const session = await load(shop);
      const reason = (await reconnectState(shop))?.reconnectReason;
      if (reason) throw new ReconnectNeededError(shop, reason);
      if (!expiring(session) || fresh(session)) return session.accessToken as string;
      const seen = session.accessToken as string;
      return singleFlight(shop, () => refreshLocked(shop, seen));
    },
    async afterUnauthorized(shop, rejected) {
      // Shopify refused `rejected`: use the newer token another process stored, else refresh now (even if it looked
      // fresh: a newer pair revokes the old one, and Shopify may expire a token early).
      return singleFlight(shop, () => refreshLocked(shop, rejected));
    },
    async migrateToExpiringToken(shop) {
      const session = await load(shop);
      if (expiring(session) || isCustomApp(session)) return "skipped";
      const old = session.accessToken as string;
      let refused = false;
      await singleFlight(shop, async () => {
        const again = await load(shop);
        if (expiring(again) || again.accessToken !== old) return again.accessToken as string;
        const answer = await callTokenEndpoint(shop, {
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: old,
          subject_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
          requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
          expiring: "1",
        });
        if (answer.status === 200) return storePair(shop, again, answer);
        if (answer.status === 400 || answer.status === 401) {
          // The non-expiring token still works until Shopify stops accepting it: keep it, and say so loudly. A 401 on
          // an Admin call (then) leads to reconnect needed, which the merchant sees.
          logger.error(
            { shop, status: answer.status, error: answer.error },
            "Shopify refused to move this shop to an expiring offline token; the current token is kept",
          );
          await db.shop.updateMany({
            where: { domain: shop },
            data: {
              tokenMigrationProblem: `Shopify refused to move the app to an expiring access token (${answer.error ?? answer.status}). The app keeps working until Shopify stops accepting the current token on 1 January 2027; it tries again every hour. If this stays, reinstall the app from the Shopify App Store before then.`,
            },
          });
          // Final for this pass: the hourly schedule asks again; retrying now would only be refused again.
          refused = true;
          return old;
        }
        // A lost or failed answer: the job asks again with the same token (Shopify answers the same pair for 7 days).
        throw new Error(`Moving ${shop} to an expiring Shopify token failed: HTTP ${answer.status}`);
      });
      return refused ? "refused" : "migrated";
    },
  };
}

export function isCustomApp(session: Session): boolean {
  return session.state === CUSTOM_APP_STATE || session.state === LEGACY_CUSTOM_APP_STATE;
}

/**
 * The Admin GraphQL port for background work: every request asks `tokens` for a good token, and a 401 gets one
 * renewal (another process's newer token, or a refresh) and one retry.
 */
export function refreshAwareAdmin(
  shop: string,
  tokens: OfflineTokens,
  client: (accessToken: string) => AdminGraphql,
): AdminGraphql {
  return {
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const token = await tokens.accessToken(shop);
      try {
        return await client(token).request<T>(query, variables);
      } catch (error) {
        // 401 only: a 403 (a missing scope) is no token problem, and a refresh would not change it.
        if (!(error instanceof ShopifyGraphqlError && error.status === 401)) throw error;
        const renewed = await tokens.afterUnauthorized(shop, token);
        return client(renewed).request<T>(query, variables);
      }
    },
  };
}
