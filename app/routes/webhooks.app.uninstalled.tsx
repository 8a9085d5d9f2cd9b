import db from "../db.server";
import { recordUninstall } from "../settings/shops.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(async ({ shop }) => {
  // May repeat, and may arrive after the sessions are gone: both are harmless.
  await recordUninstall(db, shop);
});
