/**
 * Which CJ account a shop uses. One CJ account may serve several Shopify stores (CJ's "Multiple Store Management"):
 * a store connecting with a key the app already holds, or whose key authenticates as a CJ account the app already
 * holds (same openId), joins that account instead of getting a second copy of it. The stores then share one token
 * lifecycle (CJ allows one getAccessToken per 5 minutes per account), one rate limit and one points budget, and CJ's
 * pushes, which name only the account, are routed to the store by the CJ order they name (webhook-intake.server.ts).
 */
import { isUniqueViolation } from "../db/errors";
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret, secretLookupHash } from "../secrets/crypto.server";

/** The keyed hash that finds an account by its API key (domain-separated from the openId hash). */
export function apiKeyLookupHash(apiKey: string): string {
  return secretLookupHash(`cj-api-key\0${apiKey.trim()}`);
}

export async function cjAccountIdOfShop(db: Db, shopId: string): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { cjAccountId: true } });
  return shop?.cjAccountId ?? null;
}

export async function cjAccountOfShop(db: Db, shopId: string) {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { cjAccount: true } });
  return shop?.cjAccount ?? null;
}

/**
 * The account holding this API key. Rows written before keys were hashed are found by decrypting their keys once,
 * and get their hash on the way.
 */
export async function findAccountByApiKey(db: Db, apiKey: string): Promise<{ id: string } | null> {
  const hash = apiKeyLookupHash(apiKey);
  const hit = await db.cjAccount.findUnique({ where: { apiKeyHash: hash }, select: { id: true } });
  if (hit) return hit;
  const legacy = await db.cjAccount.findMany({ where: { apiKeyHash: null }, select: { id: true, apiKeyEnc: true } });
  let found: { id: string } | null = null;
  for (const row of legacy) {
    let key: string;
    try {
      key = decryptSecret(row.apiKeyEnc);
    } catch {
      continue;
    }
    const rowHash = apiKeyLookupHash(key);
    if (!found && rowHash === hash) found = { id: row.id };
    await db.cjAccount
      .updateMany({ where: { id: row.id, apiKeyHash: null }, data: { apiKeyHash: rowHash } })
      .catch((error: unknown) => {
        // Two rows with the same key (from before sharing): the first keeps the hash; the other is found by scan.
        if (!isUniqueViolation(error)) throw error;
      });
  }
  return found;
}

/** The other stores using the shop's CJ account (shown in Settings: "shared with …"). */
export async function storesSharingAccount(db: Db, shopId: string): Promise<string[]> {
  const accountId = await cjAccountIdOfShop(db, shopId);
  if (!accountId) return [];
  const shops = await db.shop.findMany({
    where: { cjAccountId: accountId, id: { not: shopId }, uninstalledAt: null },
    select: { domain: true },
    orderBy: { domain: "asc" },
  });
  return shops.map((s) => s.domain);
}

/**
 * Points the shop at an account and deletes the account it leaves if no other store uses it (one statement each,
 * no interactive transaction: SQLite's writer lock is shared with the app's jobs).
 */
export async function attachShopToAccount(db: Db, shopId: string, accountId: string): Promise<void> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { cjAccountId: true } });
  await db.shop.update({ where: { id: shopId }, data: { cjAccountId: accountId } });
  const previous = shop.cjAccountId;
  if (previous && previous !== accountId) {
    await db.cjAccount.deleteMany({ where: { id: previous, shops: { none: {} } } });
  }
}

/**
 * Stores a key for the shop without checking it with CJ (the shop:connect command; the app checks it when it first
 * authenticates). Joins the account that already holds the key; otherwise the shop's own account gets the new key
 * (its tokens belong to the old key and are dropped), or a new account is made when the current one is shared.
 */
export async function setShopApiKey(
  db: Db,
  shopId: string,
  apiKey: string,
): Promise<{ accountId: string; shared: boolean }> {
  const key = apiKey.trim();
  const existing = await findAccountByApiKey(db, key);
  if (existing) {
    await attachShopToAccount(db, shopId, existing.id);
    const users = await db.shop.count({ where: { cjAccountId: existing.id } });
    return { accountId: existing.id, shared: users > 1 };
  }
  const current = await cjAccountIdOfShop(db, shopId);
  const sharedNow = current ? (await db.shop.count({ where: { cjAccountId: current } })) > 1 : false;
  const fresh = {
    apiKeyEnc: encryptSecret(key),
    apiKeyHash: apiKeyLookupHash(key),
    accessTokenEnc: null,
    accessTokenExpiresAt: null,
    refreshTokenEnc: null,
    refreshTokenExpiresAt: null,
    keyProblem: null,
  };
  if (current && !sharedNow) {
    await db.cjAccount.update({ where: { id: current }, data: fresh });
    return { accountId: current, shared: false };
  }
  const account = await db.cjAccount.create({ data: fresh, select: { id: true } });
  await attachShopToAccount(db, shopId, account.id);
  return { accountId: account.id, shared: false };
}

/** After shop/redact: an account no store uses any more goes too (its key and tokens are secrets of nobody's). */
export async function deleteUnusedCjAccounts(db: Db): Promise<number> {
  const { count } = await db.cjAccount.deleteMany({ where: { shops: { none: {} } } });
  return count;
}
