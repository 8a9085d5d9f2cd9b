import db from "../db.server";
import { recordDataRequest } from "../settings/compliance.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(async ({ shop, payload }) => {
  await recordDataRequest(db, shop, payload);
});
