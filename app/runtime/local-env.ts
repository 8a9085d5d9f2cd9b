/**
 * Defaults for local runs (the demo and the tests): a fixed demo app identity and a throwaway encryption key.
 * Production sets every variable itself; nothing here is used when a variable is already set.
 */
import { randomBytes } from "node:crypto";

export const DEMO_SHOP = "demo-cj-store.myshopify.com";
export const DEMO_SHOPIFY_TOKEN = "shpat_demo_offline_token";
export const DEMO_CJ_API_KEY = "CJ-DEMO-API-KEY";

export function localEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "demo-api-key",
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? "demo-api-secret",
    SCOPES:
      process.env.SCOPES ??
      "read_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_third_party_fulfillment_orders,write_third_party_fulfillment_orders,read_products",
    APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    DATABASE_URL: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite",
    NODE_ENV: process.env.NODE_ENV ?? "production",
  };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  return env;
}
