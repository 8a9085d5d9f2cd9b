export {
  type BuildOrderInput,
  buildOrder,
  defaultLocation,
  type FulfillmentOrderInput,
  gid,
  type OrderLineInput,
  sampleAddresses,
  splitLines,
} from "./build-order";
export { catalogueLine, type ProductInput, type VariantInput } from "./catalogue";
export { adminSchema, schemaPath } from "./graph";
export { type LocalizedFieldInput, type LocalizedFieldKey, localizedFieldKeys } from "./localized-fields";
export type * from "./model";
export { currencyDigits, zeroDecimalCurrencies } from "./money";
export {
  defaultApps,
  defaultLifetimes,
  defaultScope,
  idTokenType,
  migrationRecoverySeconds,
  type OAuthApp,
  OAuthTokens,
  offlineAccessTokenType,
  onlineAccessTokenType,
  type RecordedTokenRequest,
  refreshTokenGrantType,
  type SessionTokenClaims,
  signSessionToken,
  type TokenLifetimes,
  type TokenStatus,
  tokenExchangeGrantType,
  tokenFingerprint,
} from "./oauth";
export { emulatedApiVersion, type ShopifyEmulator, type ShopifyEmulatorOptions, startShopifyEmulator } from "./server";
export { EmulatorState, type RecordedRequest } from "./state";
export { toOrderWebhookPayload } from "./webhook-payload";
export { type SendWebhookInput, type SentWebhook, sendWebhook, signWebhookBody } from "./webhooks";
