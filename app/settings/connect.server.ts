/**
 * Registers a shop without OAuth: its CJ API key, the Shop row with default settings, and — for custom-app installs —
 * the app's offline Admin token as a Shopify session (all secrets encrypted at rest). Without an access token only
 * the shop and its CJ key are registered; the Shopify token then comes from the token exchange when the merchant first
 * opens the app (an expiring offline token with its refresh token).
 */
import { Session } from "@shopify/shopify-api";
import type { Db } from "../db.server";
import { EncryptedPrismaSessionStorage } from "../secrets/session-storage.server";
import { CUSTOM_APP_STATE, offlineSessionId } from "../shopify/offline-tokens.server";
import { setShopApiKey } from "./cj-account.server";
import { recordInstall } from "./shops.server";

export interface ConnectShopInput {
  shop: string;
  /** A custom app's offline Admin API token (shpat_…, never expires); omit for public-app installs. */
  accessToken?: string;
  cjApiKey?: string;
  scopes: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export async function connectShop(db: Db, input: ConnectShopInput) {
  if (!SHOP_DOMAIN.test(input.shop))
    throw new Error(`--shop must look like "your-store.myshopify.com", got "${input.shop}"`);
  if (input.accessToken !== undefined && !input.accessToken.trim()) {
    throw new Error("--access-token is empty: give a custom app's offline Admin API token (shpat_…), or leave it out");
  }
  if (input.accessToken) {
    const session = new Session({
      id: offlineSessionId(input.shop),
      shop: input.shop,
      state: CUSTOM_APP_STATE,
      isOnline: false,
      scope: input.scopes,
      accessToken: input.accessToken,
    });
    await new EncryptedPrismaSessionStorage(db).storeSession(session);
  }
  const shop = await recordInstall(db, { domain: input.shop, scopes: input.scopes });
  // A key another store of this install already uses shares that store's CJ account (cj-account.server.ts).
  if (input.cjApiKey) await setShopApiKey(db, shop.id, input.cjApiKey);
  return shop;
}
