export {
  type BuildOrderInput,
  buildOrder,
  defaultLocation,
  type FulfillmentOrderInput,
  gid,
  type OrderLineInput,
  sampleAddresses,
} from "./build-order";
export { adminSchema, schemaPath } from "./graph";
export type * from "./model";
export { emulatedApiVersion, type ShopifyEmulator, type ShopifyEmulatorOptions, startShopifyEmulator } from "./server";
export { EmulatorState, type RecordedRequest } from "./state";
export { toOrderWebhookPayload } from "./webhook-payload";
export { type SendWebhookInput, type SentWebhook, sendWebhook, signWebhookBody } from "./webhooks";
