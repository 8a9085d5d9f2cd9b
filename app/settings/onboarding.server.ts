/**
 * From install to the first live order, as one guided path (home page), each step checked for real:
 * 1. the CJ API key authenticates (settings.server.ts connectCjAccount);
 * 2. the store name is one of the CJ account's stores (`shop/getShops`);
 * 3. CJ webhooks are registered (automatically once the app URL is HTTPS) and healthy (webhook-health.server.ts);
 * 4. at least one product is connected (Products page);
 * 5. a sandbox test order for a connected variant reached "shipped" at CJ (test-order.server.ts);
 * 6. go live: from then on paid orders are forwarded; before, they wait in "Waiting for setup" (hold code SETUP).
 */
import type { Db } from "../db.server";
import { recordOrderEvent } from "../fulfillment/state";
import { enqueueForOrder, type JobQueue } from "../jobs/queue";
import { ageOf } from "../products/view";
import type { ShopPorts } from "../runtime/deps.server";

export type OnboardingStepKey = "cjKey" | "storeName" | "webhooks" | "products" | "testOrder" | "live";

export interface OnboardingStep {
  key: OnboardingStepKey;
  done: boolean;
  /** What the step found (shown under its title). */
  detail: string;
}

export interface OnboardingStatus {
  steps: OnboardingStep[];
  live: boolean;
  sandbox: boolean;
  /** Paid orders waiting for the shop to go live. */
  waiting: number;
  /** Every step before "go live" is done. */
  readyToGoLive: boolean;
}

export async function loadOnboarding(db: Db, shopId: string, now: Date = new Date()): Promise<OnboardingStatus> {
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    include: { settings: true, cjAccount: true },
  });
  const settings = shop.settings;
  const account = shop.cjAccount;
  const [connected, testOrder, waiting] = await Promise.all([
    db.variantLink.count({ where: { shopId, cjVariantId: { not: null } } }),
    db.cjTestOrder.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" } }),
    db.order.count({ where: { shopId, state: "HELD", holdCodes: { contains: '"SETUP"' } } }),
  ]);
  const ago = (d: Date) => ageOf(d.toISOString(), now);
  const keyOk = Boolean(account?.lastAuthAt) && !account?.keyProblem;
  const steps: OnboardingStep[] = [
    {
      key: "cjKey",
      done: keyOk,
      detail: !account
        ? "Add the API key from CJ (My CJ → Authorization → API)."
        : account.keyProblem
          ? account.keyProblem
          : account.lastAuthAt
            ? `CJ accepted the key (last authenticated ${ago(account.lastAuthAt)}).`
            : "The key is saved but CJ has not been asked yet: save it again in Settings to check it.",
    },
    {
      key: "storeName",
      done: Boolean(settings?.storeNameCheckedAt),
      detail: settings?.storeNameCheckedAt
        ? settings.storeName
          ? `Orders are created for the CJ store "${settings.storeName}".`
          : "Orders are created without a CJ store name."
        : settings?.storeName
          ? `"${settings.storeName}" was typed by hand: choose it from your CJ stores to check it.`
          : "Choose which of your CJ stores receives the orders.",
    },
    {
      key: "webhooks",
      done: Boolean(account?.webhooksRegisteredAt) && !account?.webhookProblem,
      detail: account?.webhookProblem
        ? account.webhookProblem
        : account?.webhooksRegisteredAt
          ? `Registered ${ago(account.webhooksRegisteredAt)}; ${account.lastPushAt ? `last push received ${ago(account.lastPushAt)}` : "no push received yet"}.`
          : "Registered automatically once the app runs on an HTTPS address.",
    },
    {
      key: "products",
      done: connected > 0,
      detail: connected > 0 ? `${connected} variant(s) connected to CJ.` : "Connect your variants to CJ products.",
    },
    {
      key: "testOrder",
      done: testOrder?.status === "SHIPPED",
      detail: !testOrder
        ? "Send a sandbox test order: CJ creates, pays and ships it in its sandbox; no customer order is touched."
        : testOrder.status === "FAILED"
          ? `The test order failed: ${testOrder.error ?? "see its steps"}.`
          : testOrder.status === "SHIPPED"
            ? `Test order ${testOrder.cjOrderId ?? testOrder.cjOrderNumber} shipped in CJ's sandbox.`
            : `Test order ${testOrder.cjOrderNumber}: ${testOrder.status.toLowerCase()}…`,
    },
    {
      key: "live",
      done: Boolean(settings?.liveAt),
      detail: settings?.liveAt
        ? `Live since ${settings.liveAt.toISOString().slice(0, 10)}: paid orders are forwarded to CJ.`
        : waiting > 0
          ? `${waiting} paid order(s) are waiting for you to go live.`
          : "Until you go live, paid orders wait in the Orders page's “Waiting for setup” tab.",
    },
  ];
  const readyToGoLive = steps.filter((s) => s.key === "cjKey" || s.key === "storeName").every((s) => s.done);
  return { steps, live: Boolean(settings?.liveAt), sandbox: Boolean(settings?.sandbox), waiting, readyToGoLive };
}

/** The stores of the shop's CJ account (`shop/getShops`, no points), for the store name step. */
export async function cjStoresOf(ports: Pick<ShopPorts, "cj">, shopId: string): Promise<string[]> {
  const cj = await ports.cj(shopId);
  const shops = (await cj.account.getShops()) ?? [];
  const names = shops.map((s) => (s.storeName ?? s.shopName ?? "").trim()).filter((n) => n !== "");
  return [...new Set(names)];
}

export class OnboardingError extends Error {
  override readonly name = "OnboardingError";
}

/**
 * Saves the store name after checking it is one of the CJ account's stores (CJ refuses a createOrderV2 whose
 * storeName matches none). An empty name is a choice too: orders are then sent without one.
 */
export async function chooseStoreName(
  deps: { db: Db; ports: Pick<ShopPorts, "cj"> },
  shopId: string,
  storeName: string,
): Promise<void> {
  const name = storeName.trim();
  if (!name) {
    await deps.db.shopSettings.update({ where: { shopId }, data: { storeName: null, storeNameCheckedAt: new Date() } });
    return;
  }
  const stores = await cjStoresOf(deps.ports, shopId);
  if (!stores.includes(name)) {
    throw new OnboardingError(
      stores.length === 0
        ? "Your CJ account has no authorised store: add this store in CJ (Authorization → Stores), then choose it here."
        : `"${name}" is not one of your CJ stores (${stores.join(", ")}).`,
    );
  }
  await deps.db.shopSettings.update({ where: { shopId }, data: { storeName: name, storeNameCheckedAt: new Date() } });
}

/**
 * Sends the orders held for one reason to forwarding again (going live releases SETUP, resuming releases PAUSED).
 * Forwarding decides the holds afresh, so an order held for another reason as well stays held for that one only.
 */
export async function releaseHeldOrders(
  deps: { db: Db; queue: JobQueue },
  shopId: string,
  code: "SETUP" | "PAUSED",
): Promise<number> {
  const orders = await deps.db.order.findMany({
    where: { shopId, state: "HELD", holdCodes: { contains: `"${code}"` } },
    select: { id: true },
    take: 10_000,
  });
  const why = code === "SETUP" ? "The shop went live" : "Forwarding was resumed";
  for (const order of orders) {
    await recordOrderEvent(deps.db, order.id, {
      actor: "merchant",
      type: code === "SETUP" ? "released_live" : "released_resume",
      message: `${why}: forwarding the order again.`,
    });
    // "resume": also on a shop that forwards by hand (the merchant had forwarded it; it only waited for this).
    await enqueueForOrder(deps.queue, "forward-order", order.id, { trigger: "resume" });
  }
  return orders.length;
}

/** Go live: orders are forwarded as real CJ orders from now on, and the ones waiting for setup go. */
export async function goLive(deps: { db: Db; queue: JobQueue }, shopId: string): Promise<{ released: number }> {
  const status = await loadOnboarding(deps.db, shopId);
  if (!status.readyToGoLive) {
    const missing = status.steps.filter((s) => (s.key === "cjKey" || s.key === "storeName") && !s.done);
    throw new OnboardingError(`Finish these steps first: ${missing.map((s) => s.detail).join(" ")}`);
  }
  await deps.db.shopSettings.update({ where: { shopId }, data: { liveAt: new Date(), sandbox: false } });
  return { released: await releaseHeldOrders(deps, shopId, "SETUP") };
}

/** Pause or resume automatic forwarding; resuming releases the orders held only by the pause. */
export async function setPaused(deps: { db: Db; queue: JobQueue }, shopId: string, paused: boolean) {
  await deps.db.shopSettings.update({ where: { shopId }, data: { paused } });
  return paused ? 0 : releaseHeldOrders(deps, shopId, "PAUSED");
}
