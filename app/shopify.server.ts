import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import db from "./db.server";
import { logger } from "./logger.server";
import { EncryptedPrismaSessionStorage } from "./secrets/session-storage.server";
import { recordInstall } from "./settings/shops.server";

export const SHOPIFY_API_VERSION = ApiVersion.October26;

if (process.env.SHOPIFY_ADMIN_API_ORIGIN) {
  logger.warn(
    { origin: process.env.SHOPIFY_ADMIN_API_ORIGIN },
    "SHOPIFY_ADMIN_API_ORIGIN is set: Admin GraphQL requests go to this origin instead of Shopify. Never set it in a real deployment.",
  );
}

export const sessionStorage = new EncryptedPrismaSessionStorage(db);

const shopify = shopifyApp({
  apiKey: process.env.SHOPIFY_API_KEY,
  apiSecretKey: process.env.SHOPIFY_API_SECRET || "",
  apiVersion: SHOPIFY_API_VERSION,
  scopes: process.env.SCOPES?.split(","),
  appUrl: process.env.SHOPIFY_APP_URL || "",
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordInstall(db, { domain: session.shop, scopes: session.scope ?? null });
    },
  },
  ...(process.env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
