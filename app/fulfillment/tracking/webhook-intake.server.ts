/**
 * The front door for CJ webhooks (ORDER, LOGISTIC, ORDERSPLIT): find the CJ account the message belongs to, verify
 * `sign` (Base64 HMAC-SHA256 of the raw body keyed by that account's openId, cj-api-facts "Webhooks"), record a
 * receipt keyed by `messageId` (CJ may deliver a message more than once), enqueue the processing job and answer CJ's
 * ACK. Nothing is written before the signature is verified, and nothing slow happens before the answer: CJ gives
 * up after 3 s and pauses every push once half of them fail.
 */

import { CJ_WEBHOOK_ACK, verifyCjSignature } from "../../cj/webhooks";
import { isUniqueViolation } from "../../db/errors";
import type { Db } from "../../db.server";
import { cjWebhookJobKey, type JobQueue } from "../../jobs/queue";
import { logger } from "../../logger.server";
import { decryptSecret, secretLookupHash } from "../../secrets/crypto.server";
import { cjShopTag } from "../mapping";

/** The few envelope fields needed before the signature is checked; the full payload is validated by the job. */
export interface CjWebhookEnvelope {
  messageId: string;
  type: string;
  messageType: string;
  openId: string | null;
  /** CJ order ids named by the message (ORDER cjOrderId, LOGISTIC orderId, ORDERSPLIT originalOrderId). */
  cjOrderIds: string[];
  /** Our own order numbers (ORDER orderNumber, LOGISTIC storeOrderNumbers). */
  orderNumbers: string[];
}

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== ""
    ? value.trim()
    : typeof value === "number" && Number.isFinite(value)
      ? String(value)
      : null;

/** Reads the envelope of a raw body; null when it is not a JSON object with a messageId and a type. */
export function readCjWebhookEnvelope(rawBody: string): CjWebhookEnvelope | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return null;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return null;
  const body = json as Record<string, unknown>;
  const messageId = text(body.messageId);
  const type = text(body.type);
  if (!messageId || !type) return null;
  const params = (body.params && typeof body.params === "object" ? body.params : {}) as Record<string, unknown>;
  const ids = [params.cjOrderId, params.orderId, params.originalOrderId].map(text).filter((v): v is string => !!v);
  const numbers = [
    text(params.orderNumber),
    ...(Array.isArray(params.storeOrderNumbers) ? params.storeOrderNumbers.map(text) : []),
  ].filter((v): v is string => !!v);
  return {
    messageId,
    type: type.toUpperCase(),
    messageType: text(body.messageType) ?? "",
    openId: text(body.openId),
    cjOrderIds: [...new Set(ids)],
    orderNumbers: [...new Set(numbers)],
  };
}

export interface CjWebhookAccount {
  id: string;
  /** The stores using this CJ account (several when the account is shared: cj-account.server.ts). */
  shopIds: string[];
  openIdEnc: string | null;
  /** When CJ last pushed to the account (webhook health): a fresh value is not written again. */
  lastPushAt?: Date | null;
}

const accountSelect = {
  id: true,
  openIdEnc: true,
  lastPushAt: true,
  shops: { select: { id: true }, orderBy: { installedAt: "asc" } },
} as const;

function asWebhookAccount(row: {
  id: string;
  openIdEnc: string | null;
  lastPushAt: Date | null;
  shops: { id: string }[];
}): CjWebhookAccount {
  return { id: row.id, openIdEnc: row.openIdEnc, lastPushAt: row.lastPushAt, shopIds: row.shops.map((s) => s.id) };
}

/** Orders named by the message, among the given shops (or all shops). */
function ordersNamedBy(envelope: CjWebhookEnvelope, shopIds?: readonly string[]) {
  return {
    ...(shopIds ? { shopId: { in: [...shopIds] } } : {}),
    OR: [
      ...(envelope.cjOrderIds.length > 0 ? [{ cjOrderId: { in: envelope.cjOrderIds } }] : []),
      ...(envelope.cjOrderIds.length > 0
        ? [{ fulfillments: { some: { cjOrderId: { in: envelope.cjOrderIds } } } }]
        : []),
      ...(envelope.orderNumbers.length > 0 ? [{ cjOrderNumber: { in: envelope.orderNumbers } }] : []),
    ],
  };
}

/**
 * The accounts a message may come from: by its openId (keyed hash, no decryption of every row), else by the CJ
 * order or order number it names. More than one candidate is possible without an openId (two shops' orders could
 * share a CJ id only in theory); the signature decides.
 */
export async function findCjWebhookAccounts(db: Db, envelope: CjWebhookEnvelope): Promise<CjWebhookAccount[]> {
  if (envelope.openId) {
    const account = await db.cjAccount.findUnique({
      where: { openIdHash: secretLookupHash(envelope.openId) },
      select: accountSelect,
    });
    if (account) return [asWebhookAccount(account)];
    // An openId we do not know (the account was reconnected under another one, say): the orders it names decide.
  }
  if (envelope.cjOrderIds.length === 0 && envelope.orderNumbers.length === 0) return [];
  const orders = await db.order.findMany({ where: ordersNamedBy(envelope), select: { shopId: true }, take: 10 });
  const shopIds = [...new Set(orders.map((o) => o.shopId))];
  if (shopIds.length === 0) return [];
  const accounts = await db.cjAccount.findMany({
    where: { shops: { some: { id: { in: shopIds } } } },
    select: accountSelect,
  });
  return accounts.map(asWebhookAccount);
}

/**
 * The store a verified message belongs to. One store per account is the common case; a shared account's message is
 * routed by the CJ order it names (our orders, their parcels and splits, the onboarding's test orders), then by the
 * store tag every one of our order numbers starts with (so a push that overtakes our createOrderV2 answer still
 * finds its store); a message naming none of them goes to the account's first store, where it is recorded.
 */
export async function shopForCjMessage(
  db: Db,
  account: CjWebhookAccount,
  envelope: CjWebhookEnvelope,
): Promise<string | null> {
  if (account.shopIds.length <= 1) return account.shopIds[0] ?? null;
  if (envelope.cjOrderIds.length > 0 || envelope.orderNumbers.length > 0) {
    const order = await db.order.findFirst({
      where: ordersNamedBy(envelope, account.shopIds),
      select: { shopId: true },
    });
    if (order) return order.shopId;
    if (envelope.cjOrderIds.length > 0) {
      const parent = await db.order.findFirst({
        where: {
          shopId: { in: account.shopIds },
          OR: envelope.cjOrderIds.map((id) => ({ cjSplitOrders: { contains: id } })),
        },
        select: { shopId: true },
      });
      if (parent) return parent.shopId;
    }
    const test = await db.cjTestOrder.findFirst({
      where: {
        shopId: { in: account.shopIds },
        OR: [
          ...(envelope.orderNumbers.length > 0 ? [{ cjOrderNumber: { in: envelope.orderNumbers } }] : []),
          ...(envelope.cjOrderIds.length > 0 ? [{ cjOrderId: { in: envelope.cjOrderIds } }] : []),
        ],
      },
      select: { shopId: true },
    });
    if (test) return test.shopId;
    const shops = await db.shop.findMany({
      where: { id: { in: account.shopIds } },
      select: { id: true, domain: true },
    });
    for (const shop of shops) {
      // Customer orders are S<tag>-…, the onboarding's test orders T<tag>-….
      const tag = cjShopTag(shop.domain);
      if (envelope.orderNumbers.some((n) => n.slice(1).startsWith(`${tag}-`))) return shop.id;
    }
  }
  return account.shopIds[0] ?? null;
}

/** The account whose openId signed this body, or null. Constant-time comparison (verifyCjSignature). */
export function accountThatSigned(
  rawBody: string,
  sign: string | null,
  accounts: readonly CjWebhookAccount[],
  decrypt: (stored: string) => string = decryptSecret,
): CjWebhookAccount | null {
  if (!sign) return null;
  for (const account of accounts) {
    if (!account.openIdEnc) continue;
    let openId: string;
    try {
      openId = decrypt(account.openIdEnc);
    } catch {
      continue;
    }
    if (verifyCjSignature(rawBody, sign, openId)) return account;
  }
  return null;
}

export interface CjWebhookAnswer {
  status: number;
  body: unknown;
  receiptId?: string;
  duplicate?: boolean;
}

/** Everything the route does, minus Remix: answer for CJ, receipt recorded and job enqueued when verified. */
export async function receiveCjWebhook(
  deps: { db: Db; queue: JobQueue },
  rawBody: string,
  sign: string | null,
): Promise<CjWebhookAnswer> {
  const envelope = readCjWebhookEnvelope(rawBody);
  if (!envelope) return { status: 400, body: { code: 400, result: "error", message: "malformed webhook body" } };
  const account = accountThatSigned(rawBody, sign, await findCjWebhookAccounts(deps.db, envelope));
  const shopId = account ? await shopForCjMessage(deps.db, account, envelope) : null;
  if (!account || !shopId) {
    // Signed with the openId it names, but no connected account has that openId (an account disconnected from
    // the app, or a shop uninstalled while CJ still pushes): acknowledged, because a refusal counts as a failed push
    // and CJ pauses every push of that account at 50 % failures.
    if (sign && envelope.openId && verifyCjSignature(rawBody, sign, envelope.openId)) {
      return acknowledgeUnknownAccountMessage(deps.db, envelope);
    }
    logger.warn({ messageId: envelope.messageId, type: envelope.type }, "CJ webhook rejected: bad or missing sign");
    return { status: 401, body: { code: 401, result: "error", message: "invalid sign" } };
  }
  let receiptId: string;
  try {
    const receipt = await deps.db.webhookReceipt.create({
      data: {
        source: "CJ",
        deliveryId: envelope.messageId,
        topic: `${envelope.type}/${envelope.messageType}`,
        shopId,
        payload: rawBody,
      },
      select: { id: true },
    });
    receiptId = receipt.id;
    // Webhook health (webhook-health.server.ts): when CJ last pushed to this account, written at most once a minute;
    // the value comes with the account, so most pushes write nothing more than their receipt.
    const now = new Date();
    if (!account.lastPushAt || now.getTime() - account.lastPushAt.getTime() >= 60_000) {
      await deps.db.cjAccount.update({ where: { id: account.id }, data: { lastPushAt: now } });
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    logger.info({ messageId: envelope.messageId }, "duplicate CJ webhook delivery ignored");
    return { status: 200, body: CJ_WEBHOOK_ACK, duplicate: true };
  }
  // A failed enqueue loses nothing: the receipt stays unprocessed and the sweep re-drives it.
  await deps.queue
    .enqueue("process-cj-webhook", { receiptId }, { singletonKey: cjWebhookJobKey(receiptId) })
    .catch((error: unknown) => logger.warn({ receiptId, err: (error as Error).message }, "enqueue failed"));
  return { status: 200, body: CJ_WEBHOOK_ACK, receiptId };
}

/** Receipts of unknown accounts kept per hour at most: their signature proves nothing, so they cannot fill the table. */
const UNKNOWN_ACCOUNT_RECEIPTS_PER_HOUR = 200;

/**
 * A message of a CJ account no shop has connected (an account reconnected under another openId, a shop uninstalled
 * while CJ still pushes). Its signature proves nothing (anyone can sign a body with the openId they put in it), so it
 * is never processed and its body is not kept: a receipt without a shop records that it came (a bounded number per
 * hour), the log names it by a keyed hash of the openId, and CJ gets its ACK.
 */
async function acknowledgeUnknownAccountMessage(db: Db, envelope: CjWebhookEnvelope): Promise<CjWebhookAnswer> {
  const openIdHash = envelope.openId ? secretLookupHash(envelope.openId).slice(0, 12) : null;
  logger.warn(
    { messageId: envelope.messageId, type: envelope.type, messageType: envelope.messageType, openIdHash },
    "CJ webhook of an account no shop has connected: acknowledged, not processed",
  );
  const recent = await db.webhookReceipt.count({
    where: { source: "CJ", shopId: null, receivedAt: { gt: new Date(Date.now() - 3600_000) } },
  });
  if (recent < UNKNOWN_ACCOUNT_RECEIPTS_PER_HOUR) {
    try {
      await db.webhookReceipt.create({
        data: {
          source: "CJ",
          // Prefixed: an unverifiable message must never take the messageId of a real one (it would be dropped as
          // a duplicate when it comes).
          deliveryId: `unknown-account:${envelope.messageId}`,
          topic: `${envelope.type}/${envelope.messageType}`,
          processedAt: new Date(),
          error: `No connected CJ account has this openId (hash ${openIdHash ?? "none"}); not processed.`,
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return { status: 200, body: CJ_WEBHOOK_ACK };
}
