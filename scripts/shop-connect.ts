/**
 * npm run shop:connect -- --shop <x.myshopify.com> [--access-token <token>] --cj-api-key <key>
 * With --access-token: a custom app's offline token (never expires). Without: the CJ key alone; the Shopify token
 * comes from the token exchange when the merchant first opens the app.
 */
import { parseArgs } from "node:util";
import { migrateDatabase } from "../app/db/migrate";
import { createDb } from "../app/db.server";
import { connectShop } from "../app/settings/connect.server";

const { values } = parseArgs({
  options: {
    shop: { type: "string" },
    "access-token": { type: "string" },
    "cj-api-key": { type: "string" },
  },
});

try {
  await migrateDatabase();
  const db = createDb();
  const shop = await connectShop(db, {
    shop: values.shop ?? "",
    ...(values["access-token"] !== undefined ? { accessToken: values["access-token"] } : {}),
    cjApiKey: values["cj-api-key"],
    scopes: process.env.SCOPES ?? "read_orders,read_products",
  });
  const parts = [
    values["access-token"] ? "a custom app's Admin token" : null,
    values["cj-api-key"] ? "its CJ API key" : null,
  ];
  const what = parts.filter(Boolean).join(" and ") || "nothing but the shop";
  console.log(
    `shop:connect: ${shop.domain} connected with ${what}${values["access-token"] ? "" : "; open the app from the Shopify admin to connect Shopify (token exchange)"}`,
  );
  await db.$disconnect();
} catch (error) {
  console.error(`shop:connect: ${(error as Error).message}`);
  process.exit(1);
}
