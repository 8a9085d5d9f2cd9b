import db from "../db.server";
import { purgeShop } from "../settings/shops.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(async ({ shop }) => {
  await purgeShop(db, shop);
});
