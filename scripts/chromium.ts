/**
 * The browser for the browser tests (test/e2e): Debian's Chromium driven by playwright-core, never a browser that a
 * tool downloads (there is no network here but the package registries). `npm test` calls `provideChromium()` before
 * the suite, and the e2e project's globalSetup calls it again (found at once by then) and hands the path to the tests.
 *
 * Looks in CHROMIUM_PATH, then the usual places; where none exists and this is a Debian machine on which we are
 * root, installs Debian's `chromium` once, saying so; otherwise stops with one line saying what to install. The browser
 * tests are never skipped for want of a browser.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

export interface ChromiumMachine {
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** Debian (or a derivative) with apt-get, and this process is root: Debian's chromium can be installed. */
  canInstallDebianPackage(): boolean;
}

export type ChromiumPlan =
  | { kind: "found"; path: string }
  | { kind: "install"; command: string[][] }
  | { kind: "fail"; message: string };

/** What to do, from what the machine has. Pure, so the decisions are tested without touching the machine. */
export function planChromium(machine: ChromiumMachine): ChromiumPlan {
  const configured = machine.env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (machine.exists(configured)) return { kind: "found", path: configured };
    return {
      kind: "fail",
      message: `CHROMIUM_PATH is ${configured}, which does not exist: point it at a Chromium or Chrome executable, or unset it.`,
    };
  }
  const found = CHROMIUM_CANDIDATES.find((candidate) => machine.exists(candidate));
  if (found) return { kind: "found", path: found };
  if (machine.canInstallDebianPackage()) {
    return {
      kind: "install",
      command: [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
      ],
    };
  }
  return {
    kind: "fail",
    message:
      "No Chromium found for the browser tests: install Debian's chromium (`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome executable.",
  };
}

const thisMachine: ChromiumMachine = {
  env: process.env,
  exists: existsSync,
  canInstallDebianPackage: () =>
    existsSync("/etc/debian_version") &&
    typeof process.getuid === "function" &&
    process.getuid() === 0 &&
    spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0,
};

export class ChromiumUnavailableError extends Error {
  override readonly name = "ChromiumUnavailableError";
}

/** The path of a Chromium to launch, installing Debian's package when it must and can. */
export function provideChromium(machine: ChromiumMachine = thisMachine, log: (line: string) => void = console.log) {
  const plan = planChromium(machine);
  if (plan.kind === "found") return plan.path;
  if (plan.kind === "fail") throw new ChromiumUnavailableError(plan.message);
  log("test: no Chromium found for the browser tests; installing Debian's chromium package (once):");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const [command, ...args] of plan.command) {
    log(`test: $ ${[command, ...args].join(" ")}`);
    const result = spawnSync(command as string, args, { stdio: "inherit", env });
    if (result.status !== 0) {
      throw new ChromiumUnavailableError(
        `Installing Debian's chromium failed (\`${[command, ...args].join(" ")}\` exited ${result.status ?? result.signal}): install it by hand or set CHROMIUM_PATH.`,
      );
    }
  }
  const after = planChromium({ ...machine, canInstallDebianPackage: () => false });
  if (after.kind !== "found") {
    throw new ChromiumUnavailableError(
      after.kind === "fail" ? after.message : "Chromium still missing after the install.",
    );
  }
  log(`test: Chromium installed at ${after.path}`);
  return after.path;
}
