/**
 * CJ webhooks without a button: registered as soon as the app's URL is HTTPS (when a key is connected, and by the
 * `check-cj-webhooks` sweep), and kept healthy. CJ pauses every push of an account once half of them fail, until the
 * callbacks are registered again (cj-api-facts "Webhooks"), and says nothing about it; the app notices instead:
 * when the tracking poll finds changes no push reported (events "The CJ poll reports …" after the last push), CJ
 * has stopped pushing, and the callbacks are registered again. The home page shows the last push received.
 */
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import type { ShopPorts } from "../../runtime/deps.server";
import { CjWebhookUrlError, cjCallbackUrl, registerCjWebhooks } from "./registration.server";

/**
 * A change the poll found counts as a missed push once this long has passed without any push (a push racing the
 * poll comes within seconds; CJ retries a failed one after 5 minutes).
 */
export const MISSED_PUSH_GRACE_MS = 10 * 60_000;

export interface WebhookHealthResult {
  accountId: string;
  action: "registered" | "reregistered" | "healthy" | "not_https" | "failed";
  reason: string;
}

type Deps = { db: Db; ports: Pick<ShopPorts, "cj">; now?: () => Date };

function registeredUrl(config: string | null): string | null {
  try {
    const parsed = config ? (JSON.parse(config) as { order?: { callbackUrls?: string[] } }) : null;
    return parsed?.order?.callbackUrls?.[0] ?? null;
  } catch {
    return null;
  }
}

/** Checks one CJ account's webhooks and registers them when they are missing, outdated or silent. */
export async function checkAccountWebhooks(
  deps: Deps,
  accountId: string,
  appUrl: string,
  /** graceMs: see MISSED_PUSH_GRACE_MS. */
  options: { graceMs?: number } = {},
): Promise<WebhookHealthResult> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const account = await db.cjAccount.findUniqueOrThrow({
    where: { id: accountId },
    include: { shops: { where: { uninstalledAt: null }, select: { id: true }, orderBy: { installedAt: "asc" } } },
  });
  const shopId = account.shops[0]?.id;
  if (!shopId) return { accountId, action: "healthy", reason: "no installed store uses this account" };
  const done = async (result: Omit<WebhookHealthResult, "accountId">, problem: string | null) => {
    await db.cjAccount.update({ where: { id: accountId }, data: { webhookCheckedAt: now, webhookProblem: problem } });
    if (result.action !== "healthy") logger.info({ accountId, ...result }, "CJ webhooks checked");
    return { accountId, ...result };
  };
  let expected: string;
  try {
    expected = cjCallbackUrl(appUrl);
  } catch (error) {
    if (!(error instanceof CjWebhookUrlError)) throw error;
    return done(
      { action: "not_https", reason: error.message },
      account.webhooksRegisteredAt ? null : `Not registered yet: ${error.message}`,
    );
  }
  let reason: string | null = null;
  let action: "registered" | "reregistered" = "reregistered";
  if (!account.webhooksRegisteredAt) {
    reason = "not registered yet";
    action = "registered";
  } else if (registeredUrl(account.webhookConfig) !== expected) {
    reason = `the app's address changed (now ${expected})`;
  } else {
    const since = new Date(Math.max(account.webhooksRegisteredAt.getTime(), account.lastPushAt?.getTime() ?? 0));
    const missed = await db.orderEvent.count({
      where: {
        order: { shopId: { in: account.shops.map((s) => s.id) } },
        actor: "job",
        message: { startsWith: "The CJ poll" },
        at: { gt: since, lte: new Date(now.getTime() - (options.graceMs ?? MISSED_PUSH_GRACE_MS)) },
      },
    });
    if (missed > 0) {
      reason = `CJ stopped pushing: the poll found ${missed} changes no push reported since ${since.toISOString()}`;
    }
  }
  if (!reason) return done({ action: "healthy", reason: "registered, and pushes arrive" }, null);
  try {
    await registerCjWebhooks(deps, shopId, appUrl);
    return done({ action, reason }, null);
  } catch (error) {
    const message = `Registering CJ webhooks failed (${(error as Error).message}); the app polls CJ meanwhile.`;
    return done({ action: "failed", reason: message }, message);
  }
}

/** The sweep: every CJ account an installed store uses. */
export async function checkCjWebhooks(deps: Deps, appUrl: string): Promise<WebhookHealthResult[]> {
  const accounts = await deps.db.cjAccount.findMany({
    where: { shops: { some: { uninstalledAt: null } } },
    select: { id: true },
  });
  const results: WebhookHealthResult[] = [];
  for (const a of accounts) {
    try {
      results.push(await checkAccountWebhooks(deps, a.id, appUrl));
    } catch (error) {
      logger.warn({ accountId: a.id, err: (error as Error).message }, "CJ webhook check failed");
    }
  }
  return results;
}
