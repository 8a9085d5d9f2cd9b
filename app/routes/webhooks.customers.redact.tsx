import db from "../db.server";
import { redactCustomer } from "../settings/compliance.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(async ({ shop, payload }) => {
  await redactCustomer(db, shop, payload);
});
