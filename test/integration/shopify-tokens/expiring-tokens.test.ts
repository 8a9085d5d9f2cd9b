/**
 * Shopify's expiring offline tokens (required of public apps from 1 January 2027), against the Shopify emulator with
 * a 3-second token lifetime: the app gets its token by the token exchange when the merchant opens it, refreshes it
 * single-flight before it expires (and once after a 401), never presents a rotated refresh token twice, waits visibly
 * ("reconnect needed") when Shopify revokes the refresh token, and resumes once the merchant opens the app again.
 * Non-expiring tokens of earlier installs are migrated by a job; custom-app tokens are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { decryptSecret, encryptSecret } from "../../../app/secrets/crypto.server";
import { refreshTokenGrantType, tokenExchangeGrantType } from "../../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { openAppAsMerchant, openAppPage } from "../../support/app-process";
import { isPostgresReachable } from "../../support/database";
import { type ProductionStack, startProductionStack } from "../../support/processes";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { AUTOMATIC_SETTINGS, pointCjPushesAtApp } from "../tracking/helpers";

const TTL = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settings = AUTOMATIC_SETTINGS;

/** Every GraphQL request refused for its token must have led to a refresh; no refresh token is ever used twice. */
function tokenDiscipline(s: Pick<Stack, "shopify">) {
  const refreshes = s.shopify.tokenRequests({ grantType: refreshTokenGrantType });
  const refused = s.shopify.state.requests.filter((r) => r.tokenStatus === "expired" || r.tokenStatus === "revoked");
  return {
    refreshesIssued: refreshes.filter((r) => r.outcome === "issued").length,
    reused: s.shopify.tokenRequests().filter((r) => r.reused),
    refusedGraphql: refused.length,
  };
}

describe("embedded profile on expiring offline tokens (3 s)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      expiringTokenTtlSeconds: TTL,
      settings,
      env: {
        SHOPIFY_TOKEN_REFRESH_MARGIN_SECONDS: "1",
        RECONNECT_RECHECK_SECONDS: "1",
        CJ_POLL_EVERY_SECONDS: "3600",
      },
    });
    pointCjPushesAtApp(s);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("opening the app for a shop without a session performs the token exchange and stores an expiring pair", async () => {
    // The layout's and the page's loaders each authenticate, so the first visit may exchange twice; the newer pair
    // is the one kept.
    const exchanges = s.shopify.tokenRequests({ grantType: tokenExchangeGrantType });
    expect(exchanges.length).toBeGreaterThanOrEqual(1);
    expect(exchanges.every((r) => r.outcome === "issued" && r.expiring)).toBe(true);
    const session = await s.t.db.session.findUniqueOrThrow({ where: { id: `offline_${STACK_SHOP}` } });
    expect(session.expires).toBeInstanceOf(Date);
    expect(session.refreshToken).toBeTruthy();
    // Encrypted at rest, like the access token.
    expect(session.refreshToken).not.toMatch(/^shprt_/);
    expect(decryptSecret(session.refreshToken as string)).toMatch(/^shprt_/);
    expect(decryptSecret(session.accessToken)).toMatch(/^shpat_/);
  });

  it("orders flow for several token lifetimes: every order forwarded and fulfilled, no refresh token used twice", async () => {
    const orders: ShopifyOrder[] = [];
    for (let i = 0; i < 6; i++) {
      const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
      orders.push(order);
      expect(await s.webhook("orders/paid", order)).toBe(200);
      await sleep(1500);
      for (const o of s.cj.state.orders) if (o.status === "UNSHIPPED") s.cj.shipOrder(o.orderId);
    }
    await eventually(
      async () => {
        for (const o of s.cj.state.orders) if (o.status === "UNSHIPPED") s.cj.shipOrder(o.orderId);
        return (
          orders.every((o) => (s.shopify.state.orders.get(o.id)?.order.fulfillments.length ?? 0) === 1) || undefined
        );
      },
      60_000,
      500,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder((orders.at(-1) as ShopifyOrder).id)}`);
    });
    const discipline = tokenDiscipline(s);
    expect(discipline.reused).toEqual([]);
    expect(discipline.refreshesIssued).toBeGreaterThanOrEqual(2);
    expect(discipline.refusedGraphql).toBeLessThanOrEqual(discipline.refreshesIssued);
    expect(await s.t.db.order.count({ where: { state: "FAILED" } })).toBe(0);
  }, 120_000);

  it("a revoked refresh token: reconnect needed with the reason, the order waits (not FAILED), and goes on once the merchant opens the app", async () => {
    s.shopify.revokeRefreshTokens(STACK_SHOP, { accessTokens: true });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1 }] });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    const shop = await eventually(async () => {
      const row = await s.t.db.shop.findUniqueOrThrow({ where: { domain: STACK_SHOP } });
      return row.reconnectReason ? row : undefined;
    }, 30_000);
    expect(shop.reconnectReason).toMatch(/refresh token/);
    expect(shop.reconnectReason).toMatch(/Open the app/);
    // The job waits, trying again every second, without using up its tries.
    await sleep(5000);
    const waiting = await s.t.db.order.findFirstOrThrow({ where: { shopifyOrderGid: order.id } });
    expect(waiting.state).toBe("RECEIVED");
    expect(waiting.errorReason).toBeNull();
    expect(s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id))).toBeUndefined();

    // The merchant opens the app: token exchange, a new pair, and the waiting order goes on by itself.
    const exchangesBefore = s.shopify.tokenRequests({ grantType: tokenExchangeGrantType }).length;
    expect(await openAppAsMerchant(s.app.url, STACK_SHOP)).toBe(200);
    expect(s.shopify.tokenRequests({ grantType: tokenExchangeGrantType }).length).toBeGreaterThan(exchangesBefore);
    expect((await s.t.db.shop.findUniqueOrThrow({ where: { domain: STACK_SHOP } })).reconnectReason).toBeNull();
    await eventually(async () => s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id)) !== undefined, 30_000).catch(
      async (e) => {
        throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
      },
    );
    expect(tokenDiscipline(s).reused).toEqual([]);
  }, 120_000);
});

describe("migration of an earlier install's non-expiring token", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      settings,
      env: { CJ_POLL_EVERY_SECONDS: "3600", SHOPIFY_TOKEN_MIGRATION_EVERY_SECONDS: "2" },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("is exchanged for an expiring pair by the job; a custom app's token is never touched", async () => {
    // The stack's shop was registered as a custom app (never migrated). Make it what an earlier OAuth install left:
    // a public app's non-expiring offline token (state "" as the library stores it).
    const custom = s.shopify.tokenRequests().length;
    await sleep(3000);
    expect(s.shopify.tokenRequests().length).toBe(custom);
    await s.t.db.session.update({ where: { id: `offline_${STACK_SHOP}` }, data: { state: "" } });
    await eventually(async () => {
      const session = await s.t.db.session.findUniqueOrThrow({ where: { id: `offline_${STACK_SHOP}` } });
      return session.refreshToken && session.expires ? session : undefined;
    }, 30_000);
    const migrations = s.shopify.tokenRequests({ grantType: tokenExchangeGrantType });
    expect(migrations.filter((r) => r.outcome === "issued")).toHaveLength(1);
    expect(migrations[0]?.subjectTokenType).toBe("urn:shopify:params:oauth:token-type:offline-access-token");
    // The old token is refused by Shopify now; the app works on the new one.
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    await eventually(async () => s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id)) !== undefined, 30_000);
  }, 120_000);

  it("a migration Shopify refuses keeps the working token and tells the merchant on every page", async () => {
    // Back to a public install's non-expiring token: one the Admin API accepts and Shopify will not exchange. (An
    // unknown token would be refused by the next Admin call as well, and that is "reconnect needed", not this case.)
    const kept = "shpat_shopify_will_not_migrate";
    s.shopify.state.shops.get(STACK_SHOP)?.accessTokens.push(kept);
    s.shopify.oauth.refuseMigrationOf(kept, "The access token cannot be migrated for this shop");
    const refusedBefore = s.shopify
      .tokenRequests({ grantType: tokenExchangeGrantType })
      .filter((r) => r.outcome === "refused").length;
    await s.t.db.session.update({
      where: { id: `offline_${STACK_SHOP}` },
      data: { state: "", accessToken: encryptSecret(kept), expires: null, refreshToken: null },
    });
    const shop = await eventually(async () => {
      const row = await s.t.db.shop.findUniqueOrThrow({ where: { domain: STACK_SHOP } });
      return row.tokenMigrationProblem ? row : undefined;
      // The job runs every 2 s, but a try that failed holds the schedule for its retries' back-off: on a loaded
      // machine that once took longer than 30 s.
    }, 60_000);
    expect(shop.tokenMigrationProblem).toMatch(/refused to move the app to an expiring access token/);
    expect(shop.reconnectReason).toBeNull();
    const session = await s.t.db.session.findUniqueOrThrow({ where: { id: `offline_${STACK_SHOP}` } });
    expect(decryptSecret(session.accessToken)).toBe(kept);
    const refused = s.shopify.tokenRequests({ grantType: tokenExchangeGrantType });
    expect(refused.filter((r) => r.outcome === "refused").length).toBeGreaterThan(refusedBefore);
    expect(refused.at(-1)?.error).toBe("invalid_subject_token");
    for (const page of ["/app", "/app/orders", "/app/settings"]) {
      const opened = await openAppPage(s.app.url, STACK_SHOP, page);
      expect(opened.status).toBe(200);
      expect(opened.html).toContain("Shopify access needs renewing");
    }
    // And the kept token goes on working: an order is forwarded, nothing asks the merchant to reconnect.
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    await eventually(async () => s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id)) !== undefined, 30_000);
    const after = await s.t.db.shop.findUniqueOrThrow({ where: { domain: STACK_SHOP } });
    expect(after.reconnectReason).toBeNull();
  }, 120_000);
});

describe.skipIf(!(await isPostgresReachable()))(
  "production profile on expiring offline tokens (3 s): 2 web processes, 2 workers",
  () => {
    let s: ProductionStack;
    beforeAll(async () => {
      s = await startProductionStack({
        webs: 2,
        workers: 2,
        shops: 2,
        qps: 20,
        expiringTokenTtlSeconds: TTL,
        settings,
        env: {
          SHOPIFY_TOKEN_REFRESH_MARGIN_SECONDS: "1",
          RECONNECT_RECHECK_SECONDS: "1",
        },
      });
      s.pointCjPushesAtApp();
    }, 180_000);
    afterAll(async () => {
      await s?.stop();
    });

    it("every order is forwarded and fulfilled across many token lifetimes; no refresh token presented twice", async () => {
      const orders: { shop: number; order: ShopifyOrder }[] = [];
      for (let i = 0; i < 16; i++) {
        const shop = i % 2;
        const order = s.addOrder(shop, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
        orders.push({ shop, order });
        expect(await s.webhook(shop, "orders/paid", order)).toBe(200);
        await sleep(600);
        for (const o of s.cj.state.orders) if (o.status === "UNSHIPPED") s.cj.shipOrder(o.orderId);
      }
      await eventually(
        async () => {
          for (const o of s.cj.state.orders) if (o.status === "UNSHIPPED") s.cj.shipOrder(o.orderId);
          return (
            orders.every(({ order }) => (s.shopify.state.orders.get(order.id)?.order.fulfillments.length ?? 0) === 1) ||
            undefined
          );
        },
        90_000,
        500,
      ).catch(async (e) => {
        const logs = s.workers.map((w) => w.output().slice(-3000)).join("\n---\n");
        throw new Error(
          `${(e as Error).message}\n${await s.describeUnfinished(["FULFILLED", "DELIVERED"], 2)}\n${logs}`,
        );
      });
      const discipline = tokenDiscipline(s);
      expect(discipline.reused).toEqual([]);
      expect(discipline.refreshesIssued).toBeGreaterThanOrEqual(4);
      expect(discipline.refusedGraphql).toBeLessThanOrEqual(discipline.refreshesIssued);
      expect(
        s.shopify.tokenRequests({ grantType: refreshTokenGrantType }).filter((r) => r.outcome === "refused"),
      ).toEqual([]);
      expect(await s.t.db.order.count({ where: { state: "FAILED" } })).toBe(0);
    }, 180_000);

    it("a revoked refresh token on PostgreSQL: the shop waits as reconnect needed and resumes after the token exchange", async () => {
      const domain = s.shops[0]?.domain as string;
      s.shopify.revokeRefreshTokens(domain, { accessTokens: true });
      const order = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1 }] });
      expect(await s.webhook(0, "orders/paid", order)).toBe(200);
      await eventually(async () => {
        const row = await s.t.db.shop.findUniqueOrThrow({ where: { domain } });
        return row.reconnectReason ? row : undefined;
      }, 30_000);
      await sleep(4000);
      const waiting = await s.t.db.order.findFirstOrThrow({ where: { shopifyOrderGid: order.id } });
      expect(waiting.state).toBe("RECEIVED");
      expect(waiting.errorReason).toBeNull();
      expect(await openAppAsMerchant((s.webs[1] as { url: string }).url, domain)).toBe(200);
      await eventually(async () => s.cj.order(cjOrderNumberFor(domain, order.id)) !== undefined, 30_000);
      expect(tokenDiscipline(s).reused).toEqual([]);
    }, 120_000);
  },
);
