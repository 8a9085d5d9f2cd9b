/**
 * Registers a shop without OAuth (custom-app installs, the demo): its offline Admin token as a Shopify session,
 * the Shop row with default settings, and its CJ API key — all secrets encrypted at rest.
 */
import { Session } from "@shopify/shopify-api";
import type { Db } from "../db.server";
import { encryptSecret } from "../secrets/crypto.server";
import { EncryptedPrismaSessionStorage } from "../secrets/session-storage.server";
import { recordInstall } from "./shops.server";

export interface ConnectShopInput {
  shop: string;
  accessToken: string;
  cjApiKey?: string;
  scopes: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export async function connectShop(db: Db, input: ConnectShopInput) {
  if (!SHOP_DOMAIN.test(input.shop))
    throw new Error(`--shop must look like "your-store.myshopify.com", got "${input.shop}"`);
  if (!input.accessToken) throw new Error("--access-token is required (an offline Admin API token, shpat_…)");
  const session = new Session({
    id: `offline_${input.shop}`,
    shop: input.shop,
    state: "connected",
    isOnline: false,
    scope: input.scopes,
    accessToken: input.accessToken,
  });
  await new EncryptedPrismaSessionStorage(db).storeSession(session);
  const shop = await recordInstall(db, { domain: input.shop, scopes: input.scopes });
  if (input.cjApiKey) {
    await db.cjAccount.upsert({
      where: { shopId: shop.id },
      create: { shopId: shop.id, apiKeyEnc: encryptSecret(input.cjApiKey) },
      update: {
        apiKeyEnc: encryptSecret(input.cjApiKey),
        accessTokenEnc: null,
        accessTokenExpiresAt: null,
        refreshTokenEnc: null,
        refreshTokenExpiresAt: null,
      },
    });
  }
  return shop;
}
