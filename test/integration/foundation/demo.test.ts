/**
 * `npm run demo -- --once`, as the README promises it: the main job end to end on the embedded profile, ending in
 * its one summary line. The demo's orders cover a US order, a Korean order (with the PCCC its customs need), a
 * German order with two lines, an order with a line without SKU (needs attention), and an order of a variant not
 * connected to CJ, which goes on once the demo connects it on the Products page.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../support/app-process";

const root = path.resolve(import.meta.dirname, "../../..");

describe("npm run demo -- --once", () => {
  it("forwards, fulfils and delivers the demo orders and says so in its last line", async () => {
    const port = await freePort();
    const env = { ...process.env };
    for (const key of ["DATABASE_URL", "PORT", "CJ_API_BASE_URL", "SHOPIFY_ADMIN_API_ORIGIN", "CURRENCY_RATES_URL"]) {
      delete env[key];
    }
    const child = spawn(
      path.join(root, "node_modules/.bin/tsx"),
      ["scripts/demo.ts", "--once", "--port", String(port)],
      {
        cwd: root,
        env: { ...env, LOG_LEVEL: "error" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const last = output
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("demo: "))
      .at(-1);
    expect(code, output.slice(-4000)).toBe(0);
    expect(last).toBe("demo: 5 orders, 4 forwarded, 4 fulfilled, 1 need attention");
    // The Products page showed the unconnected variant, the demo connected it, and its order went on.
    expect(output).toContain("Products page: DEMO-CASE-CLEAR is not connected to CJ");
    expect(output).toContain("Products page: connected DEMO-CASE-CLEAR to CJ variant");
    expect(output).toContain("the shop is live");
    // Money: one order with a makeup bill, and every paid order with its profit.
    expect(output).toMatch(/CJ bills a makeup payment for #\d+: 1\.85 USD \(Postage difference, bill BK\d+\)/);
    const profits = output.split("Profit per order")[1]?.split("\n\n")[0]?.trim().split("\n").slice(1) ?? [];
    expect(profits).toHaveLength(4);
    for (const line of profits) expect(line).toMatch(/paid \d+\.\d{2}\s+CJ \d+\.\d{2}.*profit -?\d+\.\d{2}$/);
    expect(profits.filter((l) => l.includes("makeup bill BK"))).toHaveLength(1);
  }, 180_000);
});
