/**
 * `npm run cj:emulator`: the CJ emulator on its own, with demo data.
 * Port: CJ_EMULATOR_PORT (default 4020). Prints the base URL to put in CJ_API_BASE_URL.
 */
import { startCjEmulator } from "./index.js";

export const DEMO_API_KEY = "CJDemo@api@0123456789abcdef0123456789abcdef";

const port = Number(process.env.CJ_EMULATOR_PORT ?? 4020);
const emulator = await startCjEmulator({
  port,
  accounts: [
    {
      id: "demo",
      apiKey: DEMO_API_KEY,
      openId: 123456789,
      qpsLimit: 2,
      balance: "500.00",
      shops: [{ shopId: "demo-shop", storeName: "cj-demo-shop", platform: "shopify" }],
    },
  ],
  connections: [
    { accountId: "demo", sku: "DEMO-TEE-WHITE-M", vid: "92511400-C758-4474-93CA-66D442F5F787" },
    { accountId: "demo", sku: "DEMO-TEE-BLACK-L", vid: "439FC05B-1311-4349-87FA-1E1EF942C418" },
    { accountId: "demo", sku: "DEMO-PHONE-CASE", vid: "1392053744945991681" },
  ],
  pushRetryDelayMs: Number(process.env.CJ_EMULATOR_PUSH_RETRY_MS ?? 5000),
});

console.log(`cj-emulator: CJ_API_BASE_URL=${emulator.baseUrl}`);
console.log(`cj-emulator: control API ${emulator.url}/__emulator/state`);
console.log(`cj-emulator: demo apiKey ${DEMO_API_KEY} (balance 500.00 USD, 2 QPS)`);

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
