/**
 * Builds the app when there is no build or any file under app/ is newer than it. Used by `npm start` (so a fresh
 * clone or an edited checkout never serves a stale build) and as the vitest globalSetup of the integration and
 * browser projects.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** The environment minus vitest's own variables (vite.config.ts leaves the Remix plugin out under vitest). */
function withoutVitest(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))) as NodeJS.ProcessEnv;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export default function ensureBuild() {
  const built = path.join(root, "build/server/index.js");
  const stale = !existsSync(built) || newestMtime(path.join(root, "app")) > statSync(built).mtimeMs;
  if (stale) {
    execFileSync(path.join(root, "node_modules/.bin/remix"), ["vite:build", "--logLevel", "warn"], {
      cwd: root,
      stdio: "inherit",
      env: withoutVitest(),
    });
  }
}
