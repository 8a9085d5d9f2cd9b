/**
 * The home page's onboarding card: what it shows (the steps, CJ's stores to choose from, the connected variants a
 * test order can use, the latest test order) and what its buttons do. The rules live in onboarding.server.ts.
 */
import type { ForwardDeps } from "../fulfillment/forward.server";
import { checkAccountWebhooks } from "../fulfillment/tracking/webhook-health.server";
import { cjAccountIdOfShop } from "./cj-account.server";
import { chooseStoreName, cjStoresOf, goLive, loadOnboarding, OnboardingError } from "./onboarding.server";
import { connectCjAccount } from "./settings.server";
import { startTestOrder } from "./test-order.server";

export async function loadOnboardingPanel(deps: ForwardDeps, shopDomain: string) {
  const shop = await deps.db.shop.findUniqueOrThrow({
    where: { domain: shopDomain },
    select: { id: true, cjAccount: { select: { id: true, webhooksRegisteredAt: true, lastAuthAt: true } } },
  });
  // Registered as soon as the app runs on HTTPS: the first page view after that does it, not the next sweep.
  const account = shop.cjAccount;
  const appUrl = process.env.SHOPIFY_APP_URL ?? "";
  if (account?.lastAuthAt && !account.webhooksRegisteredAt && appUrl.startsWith("https://")) {
    await checkAccountWebhooks(deps, account.id, appUrl).catch(() => undefined);
  }
  const status = await loadOnboarding(deps.db, shop.id);
  const step = (key: string) => status.steps.find((s) => s.key === key);
  const connected = Boolean(step("cjKey")?.done);
  let stores: string[] = [];
  let storesError: string | null = null;
  if (connected && !step("storeName")?.done) {
    try {
      stores = await cjStoresOf(deps.ports, shop.id);
      if (stores.length === 0) {
        storesError =
          "Your CJ account has no authorised store yet: add this store in CJ (Authorization → Stores), or send orders without a store name.";
        stores = [];
      }
    } catch (error) {
      storesError = `CJ's store list could not be read: ${(error as Error).message}`;
    }
  }
  const links = await deps.db.variantLink.findMany({
    where: { shopId: shop.id, cjVariantId: { not: null }, notFulfilledByCj: false },
    orderBy: { updatedAt: "desc" },
    take: 50,
    select: { shopifyVariantGid: true, sku: true, cjSku: true, cjName: true },
  });
  const test = await deps.db.cjTestOrder.findFirst({ where: { shopId: shop.id }, orderBy: { createdAt: "desc" } });
  return {
    status,
    connected,
    stores,
    storesError,
    variants: links.map((l) => ({
      gid: l.shopifyVariantGid,
      label: [l.sku ?? "(no SKU)", l.cjName ?? l.cjSku].filter(Boolean).join(" → "),
    })),
    testOrder: test
      ? {
          status: test.status,
          cjOrderId: test.cjOrderId,
          steps: JSON.parse(test.steps) as { at: string; step: string; message: string }[],
        }
      : null,
  };
}

export interface OnboardingActionResult {
  intent: string;
  ok: boolean;
  message: string;
}

export async function onboardingAction(
  deps: ForwardDeps,
  shopDomain: string,
  form: Record<string, FormDataEntryValue>,
): Promise<OnboardingActionResult> {
  const intent = String(form.intent ?? "");
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const appUrl = process.env.SHOPIFY_APP_URL ?? "";
  try {
    switch (intent) {
      case "connect": {
        const result = await connectCjAccount(deps.db, shopDomain, String(form.cjApiKey ?? ""));
        if (!result.ok) return { intent, ok: false, message: result.error };
        // Webhooks follow the key at once when the app runs on HTTPS (otherwise the step says why not).
        const accountId = await cjAccountIdOfShop(deps.db, shop.id);
        if (accountId) await checkAccountWebhooks(deps, accountId, appUrl);
        return {
          intent,
          ok: true,
          message:
            result.sharedWith.length > 0
              ? `CJ accepted the key. This CJ account is shared with ${result.sharedWith.join(", ")}: one rate limit (${result.qpsLimit} requests/s) for all of them.`
              : `CJ accepted the key (${result.qpsLimit} requests/s).`,
        };
      }
      case "storeName": {
        await chooseStoreName(deps, shop.id, String(form.storeName ?? ""));
        return { intent, ok: true, message: "Store saved." };
      }
      case "webhooks": {
        const accountId = await cjAccountIdOfShop(deps.db, shop.id);
        if (!accountId) throw new OnboardingError("Connect your CJ account first.");
        const result = await checkAccountWebhooks(deps, accountId, appUrl);
        const ok = result.action !== "failed" && result.action !== "not_https";
        return { intent, ok, message: ok ? `CJ webhooks: ${result.reason}.` : result.reason };
      }
      case "testOrder": {
        await startTestOrder(deps, shop.id, String(form.variantGid ?? ""));
        return { intent, ok: true, message: "Test order sent to CJ's sandbox." };
      }
      case "goLive": {
        const { released } = await goLive(deps, shop.id);
        return {
          intent,
          ok: true,
          message:
            released > 0
              ? `You are live. ${released} waiting order(s) are being forwarded to CJ.`
              : "You are live: paid orders are forwarded to CJ.",
        };
      }
      default:
        return { intent, ok: false, message: `Unknown action "${intent}".` };
    }
  } catch (error) {
    if (error instanceof OnboardingError) return { intent, ok: false, message: error.message };
    throw error;
  }
}
