/**
 * vitest globalSetup for the integration and browser projects: they run the real production build, so rebuild it
 * when any file under app/ is newer than the build.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { withoutVitest } from "./env";

const root = path.resolve(import.meta.dirname, "../..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export default function setup() {
  const built = path.join(root, "build/server/index.js");
  const stale = !existsSync(built) || newestMtime(path.join(root, "app")) > statSync(built).mtimeMs;
  if (stale) {
    execFileSync(path.join(root, "node_modules/.bin/remix"), ["vite:build", "--logLevel", "warn"], {
      cwd: root,
      stdio: "inherit",
      // vite.config.ts leaves the Remix plugin out under vitest; this build must have it.
      env: withoutVitest(),
    });
  }
}
