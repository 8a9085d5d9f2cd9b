/**
 * The store catalogue the Products tests use: the T-shirt CJ already has connections for (CONNECTED's ids), a yoga
 * mat CJ does not know by its store SKU, a phone case whose store SKU is a CJ SKU (a suggestion), and a mug the
 * merchant ships from their own stock. CJ_MAT and CJ_CASE are variants of the CJ emulator's default catalogue.
 */
import type { CatalogueProduct } from "../emulators/shopify/model";
import { CONNECTED, STACK_SHOP, type Stack } from "./stack";

export const CJ_MAT = { vid: "1392053744945991682", pid: "1424608189734850561", sku: "CJYD183722901AZ" };
export const CJ_CASE = { vid: "1392053744945991681", pid: "1424608189734850560", sku: "CJJT169305601AZ" };

export interface StoreCatalogue {
  shirt: CatalogueProduct;
  mat: CatalogueProduct;
  phoneCase: CatalogueProduct;
  mug: CatalogueProduct;
}

export function addStoreCatalogue(s: Stack): StoreCatalogue {
  return {
    shirt: s.shopify.addProduct(STACK_SHOP, {
      id: CONNECTED["TSHIRT-WHITE-M"].productId,
      title: "Cotton T-Shirt",
      variants: [
        { id: CONNECTED["TSHIRT-WHITE-M"].variantId, title: "White / M", sku: "TSHIRT-WHITE-M", price: "19.90" },
        { id: CONNECTED["TSHIRT-WHITE-L"].variantId, title: "White / L", sku: "TSHIRT-WHITE-L", price: "19.90" },
      ],
    }),
    mat: s.shopify.addProduct(STACK_SHOP, { title: "Yoga Mat", variants: [{ sku: "MAT-PURPLE", price: "39.00" }] }),
    phoneCase: s.shopify.addProduct(STACK_SHOP, { title: "Phone Case", variants: [{ sku: CJ_CASE.sku }] }),
    mug: s.shopify.addProduct(STACK_SHOP, { title: "Enamel Mug", variants: [{ sku: "MUG-OWN-1", price: "12.00" }] }),
  };
}

/** A product's variant by index, or a clear failure. */
export function variantOf(product: CatalogueProduct, index = 0) {
  const variant = product.variants[index];
  if (!variant) throw new Error(`${product.title} has no variant ${index}`);
  return variant;
}
