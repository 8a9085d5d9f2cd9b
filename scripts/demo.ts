/**
 * `npm run demo [-- --once]`: the main job end to end on the embedded profile (SQLite, jobs in-process).
 * Starts the app and prints the admin URL; keeps running until stopped, or with --once exits after one pass.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase } from "../app/db/migrate";
import { createDb } from "../app/db.server";
import { DEMO_CJ_API_KEY, DEMO_SHOP, DEMO_SHOPIFY_TOKEN, localEnv } from "../app/runtime/local-env";
import { embeddedUrl } from "../app/runtime/session-token";
import { connectShop } from "../app/settings/connect.server";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { once: { type: "boolean", default: false }, port: { type: "string" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const appUrl = `http://127.0.0.1:${port}`;
const dbFile = path.join(root, "prisma/demo.sqlite");

const env = localEnv({
  DATABASE_URL: `file:${dbFile}`,
  PORT: String(port),
  SHOPIFY_APP_URL: appUrl,
  APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});
Object.assign(process.env, env);

const log = (line: string) => console.log(`demo: ${line}`);

// A fresh demo database each run, so the output is the same every time.
for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });
await migrateDatabase(env.DATABASE_URL);
const db = createDb(env.DATABASE_URL);
await connectShop(db, {
  shop: DEMO_SHOP,
  accessToken: DEMO_SHOPIFY_TOKEN,
  cjApiKey: DEMO_CJ_API_KEY,
  scopes: env.SCOPES ?? "",
});
log(`connected ${DEMO_SHOP} (shop:connect)`);

const app = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
  cwd: root,
  env: { ...process.env, ...env },
  stdio: ["ignore", "inherit", "inherit"],
});
const stopApp = () => app.exitCode === null && app.kill("SIGTERM");
process.on("exit", stopApp);
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

for (let i = 0; ; i++) {
  if (app.exitCode !== null) throw new Error("the app exited during start-up");
  const up = await fetch(`${appUrl}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  if (i > 600) throw new Error("the app did not start within 60 s");
  await new Promise((r) => setTimeout(r, 100));
}

const adminUrl = await embeddedUrl(appUrl, "/app", {
  shop: DEMO_SHOP,
  apiKey: env.SHOPIFY_API_KEY ?? "",
  apiSecret: env.SHOPIFY_API_SECRET ?? "",
});
const home = await fetch(adminUrl, { headers: { "User-Agent": "Mozilla/5.0 Chrome/156.0" } });
const html = await home.text();
if (home.status !== 200 || !html.includes("Polaris-Page")) {
  throw new Error(`the admin home page did not render (HTTP ${home.status})`);
}
log(`admin home page: ${adminUrl}`);
log("(the link carries a session token valid for one hour; run the demo again for a new one)");

const orders = await db.order.count();
const forwarded = await db.order.count({ where: { cjOrderId: { not: null } } });
const fulfilled = await db.order.count({ where: { state: { in: ["FULFILLED", "DELIVERED"] } } });
const attention = await db.order.count({ where: { state: { in: ["NEEDS_ATTENTION", "HELD", "FAILED"] } } });
await db.$disconnect();

if (values.once) {
  stopApp();
  console.log(`demo: ${orders} orders, ${forwarded} forwarded, ${fulfilled} fulfilled, ${attention} need attention`);
  process.exit(0);
}
log("running; press Ctrl+C to stop");
await new Promise(() => {});
