/**
 * Store products connected to CJ variants the CJ emulator knows, for orders of many lines: each name gets a CJ
 * variant (price 3, 4, 5… USD, 200 g), a store product with one variant, and CJ's connection of the two (as the
 * merchant makes it in CJ). Returns an order line per product (catalogueLine: the variant's ids, SKU and price).
 */
import type { OrderLineInput } from "../emulators/shopify/build-order";
import { catalogueLine } from "../emulators/shopify/catalogue";
import { STACK_SHOP, type Stack } from "./stack";

export function addConnectedVariants(s: Stack, prefix: string, names: readonly string[]): OrderLineInput[] {
  return names.map((name, i) => {
    const vid = `${prefix}-${name}-VID`;
    s.cj.addVariant({
      vid,
      pid: `${prefix}-${name}-PID`,
      sku: `CJ${prefix}${name}`.replace(/-/g, ""),
      nameEn: name,
      sellPrice: `${3 + i}.00`,
      weight: 200,
    });
    const product = s.shopify.addProduct(STACK_SHOP, {
      title: name,
      variants: [{ sku: `${prefix}-${name}`, price: "15.00" }],
    });
    const variant = product.variants[0];
    if (!variant) throw new Error(`${name} has no variant`);
    s.cj.connect({
      accountId: "acct-1",
      sku: `${prefix}-${name}`,
      vid,
      platformVariantId: variant.id.split("/").pop() as string,
    });
    return catalogueLine(product, variant);
  });
}
