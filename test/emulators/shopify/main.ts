import { startShopifyEmulator } from "./server";

// `npm run shopify:emulator`: a standalone emulator for the demo and manual runs. Seed shops and orders through
// the control API (POST /__emulator/shops, /__emulator/orders) or SHOPIFY_EMULATOR_SHOP + SHOPIFY_EMULATOR_TOKEN.
const port = Number(process.env.SHOPIFY_EMULATOR_PORT ?? 4010);
const shop = process.env.SHOPIFY_EMULATOR_SHOP;
const token = process.env.SHOPIFY_EMULATOR_TOKEN;
// The token endpoint's app credentials: the app's SHOPIFY_API_KEY / SHOPIFY_API_SECRET unless set apart.
const clientId = process.env.SHOPIFY_EMULATOR_CLIENT_ID ?? process.env.SHOPIFY_API_KEY;
const clientSecret = process.env.SHOPIFY_EMULATOR_CLIENT_SECRET ?? process.env.SHOPIFY_API_SECRET;
const tokenTtlSeconds = Number(process.env.SHOPIFY_EMULATOR_TOKEN_TTL_SECONDS) || undefined;

const emulator = await startShopifyEmulator({
  port,
  host: process.env.SHOPIFY_EMULATOR_HOST ?? "127.0.0.1",
  shops: shop && token ? [{ domain: shop, accessToken: token }] : [],
  ...(clientId && clientSecret ? { apps: [{ clientId, clientSecret }] } : {}),
  tokenTtlSeconds,
});
console.log(`shopify emulator: ${emulator.origin}`);
console.log(`  Admin GraphQL: ${emulator.graphqlUrl}`);
console.log(`  OAuth token:   ${emulator.tokenUrl}`);
console.log(`  control API:   ${emulator.origin}/__emulator/state`);

const stop = () => {
  emulator.close().finally(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
