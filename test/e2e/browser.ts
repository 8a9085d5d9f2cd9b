/**
 * Real Chromium (Debian's, via playwright-core) against the running app, as docs/architecture.md describes: a fresh
 * profile per run, only the App Bridge CDN script stubbed (there is no network here), and helpers for the checks
 * every page gets (screenshot, axe-core).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect, inject } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
export const screenshotDir = path.join(root, "test/e2e/screenshots");
const axePath = path.join(root, "node_modules/axe-core/axe.min.js");

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/** Stands in for App Bridge: records toasts, answers idToken(); no navigation or fetch patching. */
export function appBridgeStub(idToken: string) {
  return `
window.__toasts = [];
window.shopify = {
  config: {},
  idToken: async () => ${JSON.stringify(idToken)},
  toast: { show: (message, options) => { window.__toasts.push({ message, isError: Boolean(options && options.isError) }); return "t" + window.__toasts.length; }, hide: () => {} },
};`;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(idToken: string): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), "cjapp-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    // Found or installed by the project's globalSetup (scripts/ensure-chromium.ts).
    executablePath: inject("chromiumPath"),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    // Headless Chromium announces itself as "HeadlessChrome", which authenticate.admin answers with 410 (bots).
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
  });
  await context.route(APP_BRIDGE_URL, (route) =>
    route.fulfill({ status: 200, contentType: "application/javascript", body: appBridgeStub(idToken) }),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** axe-core on the current page; returns the serious and critical violations only. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[]; html: string }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ ...v, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
}

export async function toasts(page: Page): Promise<{ message: string; isError: boolean }[]> {
  return page.evaluate(() => (window as unknown as { __toasts: { message: string; isError: boolean }[] }).__toasts);
}

/**
 * Waits until React has hydrated this element (its props are attached to the DOM node): a click or a keystroke on
 * server-rendered markup before that is lost on a busy machine (a controlled checkbox snaps back).
 */
export async function hydrated(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "attached" });
  const handle = await locator.elementHandle();
  await locator
    .page()
    .waitForFunction((el) => !!el && Object.keys(el).some((k) => k.startsWith("__reactProps")), handle, {
      timeout: 30_000,
    });
}

/** Collects the app's answers of 4xx/5xx while the page runs (status, method, path): a page test ends expecting none. */
export function recordFailedRequests(page: Page, appUrl: string): string[] {
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.url().startsWith(appUrl) && r.status() >= 400) {
      failed.push(`${r.status()} ${r.request().method()} ${r.url().split("?")[0]}`);
    }
  });
  return failed;
}

/** A full-page screenshot under `name`, then axe-core: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await seriousA11yViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}
