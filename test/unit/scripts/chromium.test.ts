import { describe, expect, it } from "vitest";
import { ChromiumUnavailableError, planChromium, provideChromium } from "../../../scripts/chromium";

const machine = (files: string[], options: { env?: Record<string, string>; installable?: boolean } = {}) => ({
  env: options.env ?? {},
  exists: (p: string) => files.includes(p),
  canInstallDebianPackage: () => options.installable ?? false,
});

describe("the browser for the browser tests", () => {
  it("uses CHROMIUM_PATH when it exists, before any usual location", () => {
    expect(
      planChromium(machine(["/opt/chrome", "/usr/bin/chromium"], { env: { CHROMIUM_PATH: "/opt/chrome" } })),
    ).toEqual({ kind: "found", path: "/opt/chrome" });
  });

  it("refuses a CHROMIUM_PATH that does not exist, naming it, instead of silently using another browser", () => {
    const plan = planChromium(machine(["/usr/bin/chromium"], { env: { CHROMIUM_PATH: "/nowhere/chrome" } }));
    expect(plan).toEqual({ kind: "fail", message: expect.stringContaining("/nowhere/chrome") });
  });

  it("finds Debian's chromium, then other usual places", () => {
    expect(planChromium(machine(["/usr/bin/chromium"]))).toEqual({ kind: "found", path: "/usr/bin/chromium" });
    expect(planChromium(machine(["/usr/bin/google-chrome"]))).toEqual({
      kind: "found",
      path: "/usr/bin/google-chrome",
    });
  });

  it("installs Debian's chromium package when none is there and the machine allows it (Debian, root)", () => {
    expect(planChromium(machine([], { installable: true }))).toEqual({
      kind: "install",
      command: [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
      ],
    });
  });

  it("otherwise stops with one line saying what to install", () => {
    const plan = planChromium(machine([]));
    expect(plan.kind).toBe("fail");
    expect(plan.kind === "fail" && plan.message).toMatch(/apt-get install chromium.*CHROMIUM_PATH/);
    expect(() => provideChromium(machine([]), () => {})).toThrow(ChromiumUnavailableError);
  });
});
