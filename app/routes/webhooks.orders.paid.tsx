import { receiveOrderWebhook } from "../fulfillment/intake.server";
import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

export const action = shopifyWebhookAction(receiveOrderWebhook);
