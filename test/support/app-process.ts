/**
 * Runs the built app as a child process (`scripts/start.ts`, exactly what `npm start` runs) against a given
 * database, so tests talk to it over HTTP like Shopify, CJ and the browser do.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { localEnv } from "../../app/runtime/local-env";
import { withoutVitest } from "./env";

const root = path.resolve(import.meta.dirname, "../..");

export interface AppProcess {
  url: string;
  env: Record<string, string>;
  output(): string;
  /** The exit code once the process has exited on its own (null while running or when killed by a signal). */
  exitCode(): number | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const testAppSecret = "test-app-secret";
export const testApiKey = "test-api-key";

export async function startApp(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Listen here (a restart keeps its predecessor's address, as a real deployment does); default: a free port. */
  port?: number;
  /** Internal: which try this is after the free port was taken by another process. */
  attempt?: number;
}): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = localEnv({
    DATABASE_URL: options.databaseUrl,
    PORT: String(port),
    SHOPIFY_APP_URL: url,
    SHOPIFY_API_KEY: testApiKey,
    SHOPIFY_API_SECRET: testAppSecret,
    APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    LOG_LEVEL: process.env.TEST_APP_LOG_LEVEL ?? "warn",
    ...options.env,
  });
  // One process (`node --import tsx`, not the tsx wrapper that forks a second one): a test's SIGKILL must kill the app
  // itself, or the "crashed" app would go on running beside its replacement.
  const child: ChildProcess = spawn(
    path.join(root, "node_modules/.bin/node"),
    ["--import", "tsx", "scripts/start.ts"],
    {
      cwd: root,
      env: { ...withoutVitest(), ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      // The free port was taken between freePort() and the app's listen (another test's process): another one.
      if (!options.port && out.includes("EADDRINUSE") && (options.attempt ?? 1) < 3) {
        return startApp({ ...options, attempt: (options.attempt ?? 1) + 1 });
      }
      throw new Error(`app exited (${child.exitCode}) before listening:\n${out}`);
    }
    // Only this child's answer counts: another process may be listening on the port meanwhile.
    const ok = await fetch(`${url}/healthz`).then(
      async (r) => r.ok && ((await r.json()) as { pid?: number }).pid === child.pid,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`app did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    env,
    output: () => out,
    exitCode: () => child.exitCode,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** A browser's User-Agent: authenticate.admin answers bots (scripts' default agents) with 410. */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/**
 * The merchant opens the app for `shop` (as the Shopify admin does, with a session token): for a shop with no usable
 * offline session the app performs Shopify's token exchange and stores an expiring offline token. Answers the status.
 */
export async function openAppAsMerchant(appUrl: string, shop: string, pathname = "/app"): Promise<number> {
  return (await openAppPage(appUrl, shop, pathname)).status;
}

/** Like openAppAsMerchant, with the page's HTML. */
export async function openAppPage(appUrl: string, shop: string, pathname = "/app") {
  const { embeddedUrl } = await import("../../app/runtime/session-token");
  const url = await embeddedUrl(appUrl, pathname, { shop, apiKey: testApiKey, apiSecret: testAppSecret });
  const response = await fetch(url, { headers: { "User-Agent": BROWSER_UA } });
  return { status: response.status, html: await response.text() };
}
