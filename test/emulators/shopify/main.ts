import { startShopifyEmulator } from "./server";

// `npm run shopify:emulator`: a standalone emulator for the demo and manual runs. Seed shops and orders through
// the control API (POST /__emulator/shops, /__emulator/orders) or SHOPIFY_EMULATOR_SHOP + SHOPIFY_EMULATOR_TOKEN.
const port = Number(process.env.SHOPIFY_EMULATOR_PORT ?? 4010);
const shop = process.env.SHOPIFY_EMULATOR_SHOP;
const token = process.env.SHOPIFY_EMULATOR_TOKEN;

const emulator = await startShopifyEmulator({
  port,
  host: process.env.SHOPIFY_EMULATOR_HOST ?? "127.0.0.1",
  shops: shop && token ? [{ domain: shop, accessToken: token }] : [],
});
console.log(`shopify emulator: ${emulator.origin}`);
console.log(`  Admin GraphQL: ${emulator.graphqlUrl}`);
console.log(`  control API:   ${emulator.origin}/__emulator/state`);

const stop = () => {
  emulator.close().finally(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
