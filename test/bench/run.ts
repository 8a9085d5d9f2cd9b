/**
 * `npm run bench`: runs every test/bench/*.bench.ts one after another, each in its own tsx process with this
 * terminal as its output, and exits non-zero if any of them failed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const here = import.meta.dirname;
const root = path.resolve(here, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const only = process.argv.slice(2);

const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark in ${path.relative(root, here)}${only.length ? ` matching ${only.join(", ")}` : ""}`);
  process.exit(1);
}

const failed: string[] = [];
for (const [index, name] of files.entries()) {
  const file = path.relative(root, path.join(here, name));
  console.log(`\n=== [${index + 1}/${files.length}] ${file} ${"=".repeat(Math.max(0, 80 - file.length))}\n`);
  const started = performance.now();
  const result = spawnSync(tsx, [file], { cwd: root, stdio: "inherit", env: process.env });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const outcome = result.error
    ? result.error.message
    : result.signal
      ? `killed by ${result.signal}`
      : `exit ${result.status}`;
  if (result.status !== 0) failed.push(`${file} (${outcome})`);
  console.log(`\n--- ${file}: ${outcome}, ${seconds} s`);
}

console.log(
  `\n${files.length - failed.length}/${files.length} benchmarks finished${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
);
process.exit(failed.length > 0 ? 1 : 0);
