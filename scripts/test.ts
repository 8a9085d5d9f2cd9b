/**
 * `npm test`: the whole suite. Builds the app (integration and browser tests run the real build), checks that
 * PostgreSQL is reachable for the production-profile tests, then runs every vitest project.
 * Extra arguments go to vitest (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";

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

const vitestArgs = process.argv.slice(2);
const onlyUnit = vitestArgs.includes("unit") && vitestArgs.includes("--project");
if (!onlyUnit) {
  console.log("test: building the app (remix vite:build)");
  run(bin("remix"), ["vite:build", "--logLevel", "warn"]);
}
run(bin("vitest"), ["run", ...vitestArgs]);
