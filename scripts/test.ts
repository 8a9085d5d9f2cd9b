/**
 * `npm test`: the whole suite. Checks that PostgreSQL is reachable for the production-profile tests, provides the
 * browser for the browser tests (finds Chromium, or installs Debian's package when it can: scripts/chromium.ts), then
 * runs every vitest project (the integration and browser projects rebuild the app when it is stale).
 * Extra arguments go to vitest (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { ChromiumUnavailableError, provideChromium } from "./chromium";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules/.bin", name);

function run(cmd: string, args: string[]) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const admin = process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
const postgres = await client.connect().then(
  () => client.end().then(() => true),
  () => false,
);
if (!postgres) {
  const message = `PostgreSQL is not reachable at ${admin}: the PostgreSQL-profile tests will not run. Start it (e.g. \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\`) or set POSTGRES_ADMIN_URL.`;
  if (process.env.CI) {
    console.error(`test: ${message}`);
    process.exit(1);
  }
  console.warn(`test: WARNING: ${message}`);
}

// The browser tests need a browser: found or installed now, so a missing one is said in one line before the suite runs
// (the e2e project's globalSetup finds the same one). Skipped only when the arguments leave the browser project out.
const args = process.argv.slice(2);
const projects = args.flatMap((arg, i) =>
  arg === "--project" ? [args[i + 1] ?? ""] : arg.startsWith("--project=") ? [arg.slice(10)] : [],
);
if (projects.length === 0 || projects.includes("e2e")) {
  try {
    const chromium = provideChromium();
    console.log(`test: browser tests use ${chromium}`);
  } catch (error) {
    if (!(error instanceof ChromiumUnavailableError)) throw error;
    console.error(`test: ${error.message}`);
    process.exit(1);
  }
}

// The integration and browser projects build the app first when it is stale (scripts/ensure-build.ts).
run(bin("vitest"), ["run", ...args]);
