/**
 * Builds the ports domain code receives (a CJ client per shop, an Admin GraphQL client per shop), from the
 * database and the environment. Domain code never reads the environment itself.
 */
import { createCjClient } from "../cj";
import { databaseProfile } from "../db/profile";
import type { Db } from "../db.server";
import { pointsRecorder } from "../fulfillment/points.server";
import { logger } from "../logger.server";
import { createPrismaCredentialStore } from "../secrets/cj-credentials.server";
import { EncryptedPrismaSessionStorage } from "../secrets/session-storage.server";
import { createAdminGraphqlClient } from "../shopify/admin-client.server";
import type { AdminGraphql } from "../shopify/graphql";
import {
  createOfflineTokens,
  NotConnectedError,
  type OfflineTokens,
  refreshAwareAdmin,
} from "../shopify/offline-tokens.server";

export type CjClient = ReturnType<typeof createCjClient>;

export interface ShopPorts {
  cj(shopId: string): Promise<CjClient>;
  admin(shopDomain: string): Promise<AdminGraphql>;
  /** The shops' offline Shopify tokens (refreshed single-flight; migrated from non-expiring ones). */
  shopifyTokens: OfflineTokens;
}

export { NotConnectedError } from "../shopify/offline-tokens.server";

/** Renew CJ tokens this long before they expire (the token manager's own margin is 1 hour). */
const SHARED_RENEW_MARGIN_MS = 2 * 60 * 60 * 1000;

export function createShopPorts(db: Db, env: NodeJS.ProcessEnv = process.env): ShopPorts {
  const store = createPrismaCredentialStore(db);
  const cjClients = new Map<string, { client: CjClient; authAt: number }>();
  const sessions = new EncryptedPrismaSessionStorage(db);
  const shopifyTokens = createOfflineTokens({ db, sessions, env });
  const shared = databaseProfile(env.DATABASE_URL) === "postgresql";
  // CJ_TIMEOUT_MS: how long a CJ call may wait for an answer (headers and body; default 30 s).
  const timeoutMs = Number(env.CJ_TIMEOUT_MS ?? 0);
  const timeouts =
    timeoutMs > 0 ? { connectMs: Math.min(10_000, timeoutMs), headersMs: timeoutMs, bodyMs: timeoutMs } : null;
  const newClient = (accountId: string) =>
    createCjClient({
      accountId,
      store,
      baseUrl: env.CJ_API_BASE_URL,
      logger,
      ...(timeouts ? { timeouts } : {}),
      // Points are counted per account and day (the home page's figure; the quote deferral).
      onPointsSpent: pointsRecorder(db, accountId),
    });

  /**
   * Production profile: several processes use the same CJ account, and CJ allows one getAccessToken per 5 minutes.
   * Tokens are obtained or refreshed by one process at a time, under an advisory lock per account, re-reading the
   * stored tokens once the lock is held; a process whose cached client predates the stored tokens drops it and
   * loads them (docs/decisions/0007-production-profile.md).
   */
  const sharedClient = async (accountId: string) => {
    const stored = await db.cjAccount.findUnique({
      where: { id: accountId },
      select: { accessTokenExpiresAt: true, lastAuthAt: true },
    });
    const authAt = stored?.lastAuthAt?.getTime() ?? 0;
    const fresh = (s: typeof stored) =>
      !!s?.accessTokenExpiresAt && s.accessTokenExpiresAt.getTime() - Date.now() > SHARED_RENEW_MARGIN_MS;
    const cached = cjClients.get(accountId);
    if (cached && cached.authAt === authAt && fresh(stored)) return cached.client;
    if (fresh(stored)) {
      const client = newClient(accountId);
      cjClients.set(accountId, { client, authAt });
      return client;
    }
    return db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(727302, hashtext($1))", accountId);
        const again = await db.cjAccount.findUnique({
          where: { id: accountId },
          select: { accessTokenExpiresAt: true, lastAuthAt: true },
        });
        const client = newClient(accountId);
        // Another process renewed while we waited: its tokens are loaded by the new client. Otherwise renew here.
        if (!fresh(again)) await client.auth.accessToken();
        const after = await db.cjAccount.findUnique({ where: { id: accountId }, select: { lastAuthAt: true } });
        cjClients.set(accountId, { client, authAt: after?.lastAuthAt?.getTime() ?? 0 });
        return client;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  };

  return {
    async cj(shopId) {
      const shop = await db.shop.findUnique({ where: { id: shopId }, select: { cjAccountId: true } });
      const account = shop?.cjAccountId ? { id: shop.cjAccountId } : null;
      if (!account) throw new NotConnectedError("No CJ account is connected: add your CJ API key in Settings.");
      if (shared) return sharedClient(account.id);
      let client = cjClients.get(account.id)?.client;
      if (!client) {
        client = newClient(account.id);
        cjClients.set(account.id, { client, authAt: 0 });
      }
      return client;
    },
    async admin(shopDomain) {
      // Fails now (not connected, reconnect needed) rather than at the first request; refreshes when due.
      await shopifyTokens.accessToken(shopDomain);
      return refreshAwareAdmin(shopDomain, shopifyTokens, (accessToken) =>
        createAdminGraphqlClient({
          shop: shopDomain,
          accessToken,
          ...(env.SHOPIFY_ADMIN_API_ORIGIN ? { origin: env.SHOPIFY_ADMIN_API_ORIGIN } : {}),
        }),
      );
    },
    shopifyTokens,
  };
}
