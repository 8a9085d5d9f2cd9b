/**
 * Registering the app's callback URLs with CJ (`POST /webhook/set`, cj-api-facts "Webhooks": HTTPS only, one URL per
 * topic) and showing the current registration on the Settings page. Order and logistics messages share one route
 * (app/routes/webhooks.cj.tsx). Registering again also resumes pushes CJ paused after too many failures.
 */
import type { Db } from "../../db.server";
import type { ShopPorts } from "../../runtime/deps.server";
import { cjAccountIdOfShop } from "../../settings/cj-account.server";

export const CJ_WEBHOOK_PATH = "/webhooks/cj";

export interface CjWebhookRegistration {
  registered: boolean;
  registeredAt: Date | null;
  orderCallbackUrl: string | null;
  logisticsCallbackUrl: string | null;
}

export class CjWebhookUrlError extends Error {
  override readonly name = "CjWebhookUrlError";
}

/** The callback URL for an app URL; CJ accepts HTTPS only. */
export function cjCallbackUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(CJ_WEBHOOK_PATH, appUrl.endsWith("/") ? appUrl : `${appUrl}/`);
  } catch {
    throw new CjWebhookUrlError(`The app URL "${appUrl}" is not a URL.`);
  }
  if (url.protocol !== "https:") {
    throw new CjWebhookUrlError(
      `CJ only calls HTTPS URLs; the app URL is ${url.origin}. Set SHOPIFY_APP_URL to an https URL.`,
    );
  }
  return url.toString();
}

export async function registerCjWebhooks(
  deps: { db: Db; ports: Pick<ShopPorts, "cj">; now?: () => Date },
  shopId: string,
  appUrl: string,
): Promise<CjWebhookRegistration> {
  const callbackUrl = cjCallbackUrl(appUrl);
  const cj = await deps.ports.cj(shopId);
  const config = {
    order: { type: "ENABLE" as const, callbackUrls: [callbackUrl] },
    logistics: { type: "ENABLE" as const, callbackUrls: [callbackUrl] },
  };
  await cj.account.setWebhooks(config);
  const registeredAt = deps.now?.() ?? new Date();
  const accountId = await cjAccountIdOfShop(deps.db, shopId);
  if (!accountId) throw new CjWebhookUrlError("No CJ account is connected: add your CJ API key first.");
  await deps.db.cjAccount.update({
    where: { id: accountId },
    data: { webhooksRegisteredAt: registeredAt, webhookConfig: JSON.stringify(config) },
  });
  return { registered: true, registeredAt, orderCallbackUrl: callbackUrl, logisticsCallbackUrl: callbackUrl };
}

export async function getCjWebhookRegistration(db: Db, shopId: string): Promise<CjWebhookRegistration> {
  const account = (
    await db.shop.findUnique({
      where: { id: shopId },
      select: { cjAccount: { select: { webhooksRegisteredAt: true, webhookConfig: true } } },
    })
  )?.cjAccount;
  let config: { order?: { callbackUrls?: string[] }; logistics?: { callbackUrls?: string[] } } = {};
  try {
    config = account?.webhookConfig ? JSON.parse(account.webhookConfig) : {};
  } catch {
    config = {};
  }
  const orderUrl = config.order?.callbackUrls?.[0] ?? null;
  const logisticsUrl = config.logistics?.callbackUrls?.[0] ?? null;
  return {
    registered: Boolean(account?.webhooksRegisteredAt && (orderUrl || logisticsUrl)),
    registeredAt: account?.webhooksRegisteredAt ?? null,
    orderCallbackUrl: orderUrl,
    logisticsCallbackUrl: logisticsUrl,
  };
}
