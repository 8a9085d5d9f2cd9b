/**
 * What the Products page's actions and its bulk job share: the dependencies, the error a merchant sees, and the one
 * way a store variant is connected to a CJ variant (at CJ, then in VariantLink).
 */
import type { Db } from "../db.server";
import type { CjVariantInfo } from "../fulfillment/cj-variants.server";
import { saveLink } from "../fulfillment/variant-links.server";
import type { JobQueue } from "../jobs/queue";
import type { CjClient, ShopPorts } from "../runtime/deps.server";
import { legacyIdOf } from "../shopify/products";

export interface ProductsDeps {
  db: Db;
  ports: ShopPorts;
  queue: JobQueue;
  now?: () => Date;
}

/** A refused action with the message the merchant sees; 404 for a variant or shop that is not the merchant's. */
export class ProductsError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

export const nowOf = (deps: { now?: () => Date }) => deps.now?.() ?? new Date();

export async function shopByDomain(db: Db, domain: string): Promise<{ id: string; domain: string }> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { id: true, domain: true } });
  if (!shop) throw new ProductsError("This store is not installed: open the app again from the Shopify admin.", 404);
  return shop;
}

/** A VariantLink's CJ side once CJ has no connection for the variant (the row and the merchant's choices stay). */
export const NO_CONNECTION = {
  cjVariantId: null,
  cjProductId: null,
  cjSku: null,
  cjName: null,
  cjPrice: null,
  source: null,
} as const;

/** What a connection needs to know about the store variant. */
export interface StoreVariantRef {
  variantGid: string;
  productGid: string;
  sku: string | null;
}

/**
 * Creates the connection at CJ (store product and variant ids, the store SKU that orderFlow=2 lines carry) and
 * records it. Shared by the single connect and the bulk job.
 */
export async function connectToCjVariant(
  deps: ProductsDeps,
  shopId: string,
  cj: CjClient,
  store: StoreVariantRef,
  info: CjVariantInfo,
): Promise<void> {
  if (!info.pid) {
    throw new ProductsError(`CJ did not say which product its variant ${info.vid} belongs to; try again later.`);
  }
  await cj.account.createConnection({
    cjProductId: info.pid,
    platformProductId: legacyIdOf(store.productGid),
    variantList: [
      {
        cjVariantId: info.vid,
        platformVariantId: legacyIdOf(store.variantGid),
        ...(store.sku ? { sku: store.sku } : {}),
      },
    ],
  });
  const data = {
    shopifyProductGid: store.productGid,
    sku: store.sku,
    cjVariantId: info.vid,
    cjProductId: info.pid,
    cjSku: info.sku,
    cjName: info.name,
    cjPrice: info.sellPrice,
    source: "APP",
    checkedAt: nowOf(deps),
  };
  await saveLink(deps.db, shopId, store.variantGid, data);
}
