import db from "../db.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(async ({ shop, payload }) => {
  const current = Array.isArray(payload.current) ? payload.current.map(String).join(",") : null;
  if (current === null) return;
  await db.session.updateMany({ where: { shop }, data: { scope: current } });
  await db.shop.updateMany({ where: { domain: shop }, data: { scopes: current } });
});
