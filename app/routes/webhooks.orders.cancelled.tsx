import { shopifyWebhookAction } from "../webhooks/shopify-intake.server";

/** Recorded and answered at once; the job runs the topic's handler (app/webhooks/shopify-topics.server.ts). */
export const action = shopifyWebhookAction();
