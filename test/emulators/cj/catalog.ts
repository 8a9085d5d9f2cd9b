import type { EmulatorContext } from "./context.js";
import type { Variant } from "./state.js";

export function variantBySku(ctx: EmulatorContext, sku: string): Variant | undefined {
  for (const variant of ctx.state.variants.values()) if (variant.sku === sku) return variant;
  return undefined;
}

/**
 * Store SKU of an `orderFlow=2` line → CJ variant: through the account's connections first, else the SKU may be
 * a CJ variant SKU itself (the seed: "When vid is missing, sku will be used to query the CJ variant").
 */
export function resolveStoreSku(ctx: EmulatorContext, accountId: string, sku: string): Variant | undefined {
  const connection = ctx.state.connections.find((c) => c.accountId === accountId && c.sku === sku);
  if (connection) return ctx.state.variants.get(connection.cjVariantId);
  return variantBySku(ctx, sku);
}

export const STORAGES: Record<string, string> = {
  "201e67f6ba4644c0a36d63bf4989dd70": "Cranbury Warehouse",
  bc228e33b02a4c03b46b186994eb6eb3: "Shenzhen Warehouse",
};

export function defaultStorageId(fromCountryCode: string): string {
  return fromCountryCode.toUpperCase() === "US"
    ? "201e67f6ba4644c0a36d63bf4989dd70"
    : "bc228e33b02a4c03b46b186994eb6eb3";
}

export function storageName(storageId: string | null): string | null {
  if (storageId === null) return null;
  return STORAGES[storageId] ?? `Warehouse ${storageId}`;
}
