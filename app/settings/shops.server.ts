import type { Db } from "../db.server";
import { deleteUnusedCjAccounts } from "./cj-account.server";

/** Creates the Shop row on install (or marks a returning shop as installed again), with default settings. */
export async function recordInstall(db: Db, input: { domain: string; scopes: string | null; plan?: string | null }) {
  const shop = await db.shop.upsert({
    where: { domain: input.domain },
    create: { domain: input.domain, scopes: input.scopes, plan: input.plan ?? null },
    update: { uninstalledAt: null, installedAt: new Date(), scopes: input.scopes, plan: input.plan ?? undefined },
  });
  await db.shopSettings.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id }, update: {} });
  return shop;
}

/** app/uninstalled: the shop is marked uninstalled and its sessions are deleted. Repeats are harmless. */
export async function recordUninstall(db: Db, domain: string, at: Date = new Date()) {
  await db.session.deleteMany({ where: { shop: domain } });
  await db.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: at } });
}

/** shop/redact (48 h after uninstall): everything the app holds for the shop goes. */
export async function purgeShop(db: Db, domain: string) {
  await db.session.deleteMany({ where: { shop: domain } });
  // Orders, lines, events, fulfillments, settings, product links and receipts cascade from the shop row; the CJ
  // account goes unless another store still uses it.
  await db.shop.deleteMany({ where: { domain } });
  await db.webhookReceipt.deleteMany({ where: { shopDomain: domain } });
  await deleteUnusedCjAccounts(db);
}

export function findShop(db: Db, domain: string) {
  return db.shop.findUnique({ where: { domain } });
}
