/**
 * Builds the ports domain code receives (a CJ client per shop, an Admin GraphQL client per shop), from the
 * database and the environment. Domain code never reads the environment itself.
 */
import { createCjClient } from "../cj";
import type { Db } from "../db.server";
import { logger } from "../logger.server";
import { createPrismaCredentialStore } from "../secrets/cj-credentials.server";
import { EncryptedPrismaSessionStorage } from "../secrets/session-storage.server";
import { createAdminGraphqlClient } from "../shopify/admin-client.server";
import type { AdminGraphql } from "../shopify/graphql";

export type CjClient = ReturnType<typeof createCjClient>;

export interface ShopPorts {
  cj(shopId: string): Promise<CjClient>;
  admin(shopDomain: string): Promise<AdminGraphql>;
}

export class NotConnectedError extends Error {}

export function createShopPorts(db: Db, env: NodeJS.ProcessEnv = process.env): ShopPorts {
  const store = createPrismaCredentialStore(db);
  const cjClients = new Map<string, CjClient>();
  const sessions = new EncryptedPrismaSessionStorage(db);
  return {
    async cj(shopId) {
      const account = await db.cjAccount.findUnique({ where: { shopId }, select: { id: true } });
      if (!account) throw new NotConnectedError("No CJ account is connected: add your CJ API key in Settings.");
      let client = cjClients.get(account.id);
      if (!client) {
        client = createCjClient({ accountId: account.id, store, baseUrl: env.CJ_API_BASE_URL, logger });
        cjClients.set(account.id, client);
      }
      return client;
    },
    async admin(shopDomain) {
      const session = await sessions.loadSession(`offline_${shopDomain}`);
      if (!session?.accessToken) {
        throw new NotConnectedError(
          `No offline Shopify session for ${shopDomain}: reinstall the app or run shop:connect.`,
        );
      }
      return createAdminGraphqlClient({
        shop: shopDomain,
        accessToken: session.accessToken,
        ...(env.SHOPIFY_ADMIN_API_ORIGIN ? { origin: env.SHOPIFY_ADMIN_API_ORIGIN } : {}),
      });
    },
  };
}
