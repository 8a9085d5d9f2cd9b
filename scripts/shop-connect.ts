/** npm run shop:connect -- --shop <x.myshopify.com> --access-token <token> --cj-api-key <key> */
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
    accessToken: values["access-token"] ?? "",
    cjApiKey: values["cj-api-key"],
    scopes: process.env.SCOPES ?? "read_orders,read_products",
  });
  console.log(`shop:connect: ${shop.domain} connected${values["cj-api-key"] ? " with its CJ API key" : ""}`);
  await db.$disconnect();
} catch (error) {
  console.error(`shop:connect: ${(error as Error).message}`);
  process.exit(1);
}
