// @vitest-environment happy-dom
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  bundleExtension,
  loadAllExtensions,
  loadExtensionToml,
  stdinContents,
} from "../../../scripts/build-extensions";
import { fakeAdmin, view } from "./fake-admin";

const scratch = mkdtempSync(path.join(tmpdir(), "cj-ext-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tomlFile(name: string, text: string, modules: string[] = ["./src/Block.tsx"]) {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "src"), { recursive: true });
  for (const m of modules) writeFileSync(path.join(dir, m), "export default () => {};\n");
  writeFileSync(path.join(dir, "shopify.extension.toml"), text);
  return path.join(dir, "shopify.extension.toml");
}

const block = (extra = "", target = "admin.order-details.block.render", handle = "h-one") => `api_version = "2026-07"
[[extensions]]
name = "X"
handle = "${handle}"
type = "ui_extension"
${extra}
  [[extensions.targeting]]
  module = "./src/Block.tsx"
  target = "${target}"
`;

describe("the extension TOML", () => {
  it("declares the order-details block and action, each valid for the Shopify CLI's ui_extension schema", () => {
    const { extensions, errors } = loadAllExtensions();
    expect(errors).toEqual([]);
    expect(extensions.map((e) => [e.config.handle, e.config.api_version, e.targets])).toEqual([
      [
        "cj-order-block",
        "2026-07",
        [{ target: "admin.order-details.block.render", module: "./src/BlockExtension.tsx" }],
      ],
      [
        "cj-order-action",
        "2026-07",
        [{ target: "admin.order-details.action.render", module: "./src/ActionExtension.tsx" }],
      ],
    ]);
  });

  it("the validator refuses what the CLI refuses", () => {
    const problems = (name: string, text: string, modules?: string[]) =>
      loadExtensionToml(tomlFile(name, text, modules)).errors.join("\n");
    expect(problems("ok", block())).toBe("");
    expect(problems("handle", block("", undefined, "-bad_handle"))).toMatch(
      /Handle can only contain|Handle can't start/,
    );
    expect(problems("type", block().replace('type = "ui_extension"', 'type = "theme"'))).toMatch(/type/);
    expect(
      problems(
        "no-targets",
        'api_version = "2026-07"\n[[extensions]]\nname = "X"\nhandle = "h"\ntype = "ui_extension"\n',
      ),
    ).toMatch(/No extension targets defined/);
    expect(problems("missing-module", block(), [])).toMatch(/Couldn't find/);
    expect(problems("unknown-target", block("", "admin.order-details.nowhere.render"))).toMatch(/no type reference/);
    expect(problems("name", block().replace('name = "X"\n', ""))).toMatch(/name/);
    const twoActions = `${block("", "admin.order-details.action.render")}  [[extensions.targeting]]\n  module = "./src/Block.tsx"\n  target = "admin.product-details.action.render"\n`;
    expect(problems("two-actions", twoActions)).toMatch(/exactly one target/);
    const duplicate = `${block()}  [[extensions.targeting]]\n  module = "./src/Block.tsx"\n  target = "admin.order-details.block.render"\n`;
    expect(problems("duplicate", duplicate)).toMatch(/Duplicate targets/);
    expect(problems("not-toml", "api_version = ")).toMatch(/invalid TOML/);
  });
});

describe("the extension bundle", () => {
  it("is built from the CLI's generated entry and renders the block when the admin calls shopify.extend", async () => {
    const [blockExt] = loadAllExtensions().extensions;
    if (!blockExt) throw new Error("no extension");
    expect(stdinContents(blockExt)).toBe(
      "import Target_0 from './src/BlockExtension.tsx';shopify.extend('admin.order-details.block.render', (...args) => Target_0(...args));",
    );
    const built = await bundleExtension(blockExt, { outdir: scratch });
    // Shopify refuses admin UI extension bundles over 64 KB (compressed) without an exception.
    expect(built.gzipBytes).toBeLessThan(64 * 1024);
    const code = readFileSync(built.outfile, "utf8");
    expect(code).not.toMatch(/from\s*["']react["']|require\(["']react["']\)/);

    // Run the bundle as the admin's sandbox would: a global `shopify` whose extend() gets the target's renderer.
    const admin = fakeAdmin({ order: view({ state: "HELD", errorReason: "High risk of fraud" }) });
    const extended: string[] = [];
    const runs: Promise<unknown>[] = [];
    (globalThis as Record<string, unknown>).shopify = {
      ...admin.host,
      extend: (target: string, renderer: () => Promise<unknown>) => {
        extended.push(target);
        runs.push(renderer());
      },
    };
    const realFetch = globalThis.fetch;
    globalThis.fetch = admin.fetch;
    try {
      new Function(code)();
      await Promise.all(runs);
      expect(extended).toEqual(["admin.order-details.block.render"]);
      await expect.poll(() => document.body.querySelector("s-badge")?.textContent).toBe("On hold");
      expect(document.body.textContent).toContain(
        "On hold: High risk of fraud. Approve the order to send it to CJ anyway.",
      );
      expect(admin.calls[0]?.path).toMatch(/^\/api\/orders\/lookup\?shopifyId=gid%3A%2F%2Fshopify%2FOrder%2F/);
    } finally {
      globalThis.fetch = realFetch;
      delete (globalThis as Record<string, unknown>).shopify;
      document.body.innerHTML = "";
    }
  });
});
