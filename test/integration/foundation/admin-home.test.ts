import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { connectShop } from "../../../app/settings/connect.server";
import { type AppProcess, startApp, testApiKey, testAppSecret } from "../../support/app-process";
import { createTestDatabase, type TestDatabase } from "../../support/database";

const SHOP = "home-test.myshopify.com";
const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36" };

describe("the embedded admin home page", () => {
  let t: TestDatabase;
  let app: AppProcess;

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    app = await startApp({ databaseUrl: t.url });
    process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
    await connectShop(t.db, { shop: SHOP, accessToken: "shpat_home", cjApiKey: "CJ-KEY", scopes: "read_orders" });
  });

  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  it("renders Polaris markup for a request with a valid session token", async () => {
    const url = await embeddedUrl(app.url, "/app", { shop: SHOP, apiKey: testApiKey, apiSecret: testAppSecret });
    const res = await fetch(url, { headers: browser });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Polaris-Page");
    expect(html).toContain(SHOP);
    expect(html).toContain("Connected (QPS 1)");
  });

  it("does not render the page without a session token", async () => {
    const host = Buffer.from(`${SHOP}/admin`).toString("base64url");
    const res = await fetch(`${app.url}/app?embedded=1&shop=${SHOP}&host=${host}`, {
      headers: browser,
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/auth/session-token");
  });

  it("refuses a session token signed with another secret", async () => {
    const url = await embeddedUrl(app.url, "/app", { shop: SHOP, apiKey: testApiKey, apiSecret: "wrong-secret" });
    const res = await fetch(url, { headers: browser, redirect: "manual" });
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain(SHOP);
  });

  it("answers health and readiness", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });
});
