/**
 * Validates and bundles the Shopify admin UI extensions in extensions/*, offline, the way the Shopify CLI does.
 *
 *   npm run build:extensions        (tsx scripts/build-extensions.ts)
 *
 * The CLI (`shopify app build`/`deploy`) needs a Partner account and the network; this script reproduces its two
 * local steps so CI can check them:
 * - The TOML schema: a transcription (zod 4) of the schemas the Shopify CLI 4.8.2 applies to a `ui_extension`
 *   (npm `@shopify/cli`, dist/chunk-NL7WDQSR.js — BaseSchema, NewExtensionPointSchema, UnifiedSchema, HandleSchema —
 *   and dist/chunk-7LW23M5C.js — the ui_extension specification and its `validate`), plus the checks the CLI makes
 *   when it loads and types the extension: unique handles, modules that exist, unique targets, and a target that
 *   `@shopify/ui-extensions` types (the CLI resolves `@shopify/ui-extensions/<target>` for api_version ≥ 2025-10).
 *   The CLI publishes no JSON schema for extension TOML; see docs/decisions/0006-order-page-extension.md.
 * - The bundle: esbuild with the CLI's options (`bundle_ui` step) and its generated entry: for api_version ≥ 2025-10
 *   `import Target_0 from '<module>'; shopify.extend('<target>', (...args) => Target_0(...args));`, written to
 *   `<extension>/dist/<handle>.js`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";

const root = path.resolve(import.meta.dirname, "..");

// ── Schemas (Shopify CLI 4.8.2, packages/app/src/cli/models/extensions/schemas.ts and specifications/ui_extension.ts)

const MAX_HANDLE_LENGTH = 50;
const MAX_UID_LENGTH = 250;

export const HandleSchema = z
  .string()
  .trim()
  .min(1, "Handle can't be empty")
  .max(MAX_HANDLE_LENGTH, `Handle can't exceed ${MAX_HANDLE_LENGTH} characters`)
  .regex(/^[a-zA-Z0-9-]*$/, "Handle can only contain alphanumeric characters and hyphens")
  .refine((h) => !h.startsWith("-") && !h.endsWith("-"), "Handle can't start or end with a hyphen");

const UidSchema = z
  .string()
  .trim()
  .min(1, "UID can't be empty")
  .max(MAX_UID_LENGTH, `UID can't exceed ${MAX_UID_LENGTH} characters`)
  .regex(/^[a-zA-Z0-9-${}.()_`]*$/, "UID can only contain alphanumeric characters and hyphens")
  .refine((h) => !h.startsWith("-") && !h.endsWith("-"), "UID can't start or end with a hyphen");

const MetafieldSchema = z.object({ namespace: z.string(), key: z.string() });

const CapabilitiesSchema = z.object({
  network_access: z.boolean().optional(),
  block_progress: z.boolean().optional(),
  api_access: z.boolean().optional(),
  collect_buyer_consent: z
    .object({ sms_marketing: z.boolean().optional(), customer_privacy: z.boolean().optional() })
    .optional(),
  iframe: z.object({ sources: z.array(z.string()).optional() }).optional(),
  bundle_size_exception: z.boolean().optional(),
});

const FieldSchema = z.object({
  key: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default_value: z.any().optional(),
  type: z.string(),
  validations: z.array(z.any()).optional(),
  marketingActivityCreateUrl: z.string().optional(),
  marketingActivityDeleteUrl: z.string().optional(),
});

export const NewExtensionPointSchema = z.object({
  target: z.string(),
  module: z.string(),
  should_render: z.object({ module: z.string() }).optional(),
  tools: z.string().optional(),
  instructions: z.string().optional(),
  intents: z
    .array(
      z.object({
        type: z.string(),
        action: z.string(),
        schema: z.string(),
        name: z.string().optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  metafields: z.array(MetafieldSchema).optional(),
  default_placement: z.string().optional(),
  urls: z.object({ edit: z.string().optional() }).optional(),
  capabilities: z
    .object({
      allow_direct_linking: z.boolean().optional(),
      intercepts: z
        .array(
          z.object({
            event: z.string(),
            blocking: z.boolean().default(false),
            applies_to: z.array(z.string()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  preloads: z.object({ chat: z.string().optional() }).optional(),
  assets: z.string().optional(),
});

export const BaseSchema = z.object({
  name: z.string().optional(),
  type: z.string().optional(),
  handle: HandleSchema.optional(),
  uid: UidSchema.optional(),
  description: z.string().optional(),
  api_version: z.string().optional(),
  extension_points: z.any().optional(),
  capabilities: CapabilitiesSchema.optional(),
  supported_features: z.object({ runs_offline: z.boolean().optional() }).optional(),
  settings: z.object({ fields: z.array(FieldSchema).optional() }).optional(),
});

/** A file holding several extensions: top-level keys are shared, each `[[extensions]]` entry adds its own. */
export const UnifiedSchema = z.object({
  api_version: z.string().optional(),
  description: z.string().optional(),
  extensions: z.array(z.any()),
  settings: z.object({ fields: z.array(FieldSchema).optional() }).optional(),
});

export const UiExtensionSchema = BaseSchema.extend({
  name: z.string(),
  type: z.literal("ui_extension"),
  extension_points: z.array(NewExtensionPointSchema).optional(),
  targeting: z.array(NewExtensionPointSchema).optional(),
  metafields: z.array(MetafieldSchema).optional(),
}).refine(
  (e) => e.extension_points !== undefined || e.targeting !== undefined,
  "No extension targets defined, add a `targeting` field to your configuration",
);

export type UiExtensionConfig = z.infer<typeof UiExtensionSchema> & { handle: string };

// ── Loading and validating

export interface LoadedExtension {
  directory: string;
  configPath: string;
  config: UiExtensionConfig;
  targets: { target: string; module: string }[];
}

const apiVersionAtLeast = (version: string | undefined, year: number, month: number) => {
  const [y, m] = (version ?? "").split("-").map((n) => Number.parseInt(n, 10));
  return y !== undefined && m !== undefined && (y > year || (y === year && m >= month));
};

const requireFromRoot = createRequire(path.join(root, "package.json"));

/** Parses and validates one shopify.extension.toml; returns the extensions it declares or the problems found. */
export function loadExtensionToml(configPath: string): { extensions: LoadedExtension[]; errors: string[] } {
  const directory = path.dirname(configPath);
  const errors: string[] = [];
  let raw: unknown;
  try {
    raw = parseToml(readFileSync(configPath, "utf8"));
  } catch (error) {
    return { extensions: [], errors: [`${configPath}: invalid TOML: ${(error as Error).message}`] };
  }
  const unified = UnifiedSchema.safeParse(raw);
  // A file with `[[extensions]]` is a unified config; otherwise it is one extension at the top level.
  const entries: unknown[] = unified.success
    ? unified.data.extensions.map((e) => ({ ...unified.data, ...(e as object) }))
    : [raw];
  const extensions: LoadedExtension[] = [];
  entries.forEach((entry, i) => {
    const where = `${configPath} extensions[${i}]`;
    const parsed = UiExtensionSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(`${where}.${issue.path.join(".")}: ${issue.message}`);
      return;
    }
    const config = parsed.data;
    if (!config.handle) {
      errors.push(`${where}: Missing handle for extension "${config.name}"`);
      return;
    }
    const points = config.targeting ?? config.extension_points ?? [];
    if (points.length === 0) errors.push(`${where}: No extension targets defined`);
    const seen = new Set<string>();
    for (const point of points) {
      if (seen.has(point.target)) errors.push(`${where}: Duplicate targets found: ${point.target}`);
      seen.add(point.target);
      const modulePath = path.resolve(directory, point.module);
      if (!existsSync(modulePath)) errors.push(`${where}: Couldn't find ${modulePath} (module for ${point.target})`);
      if (apiVersionAtLeast(config.api_version, 2025, 10)) {
        try {
          requireFromRoot.resolve(`@shopify/ui-extensions/${point.target}`);
        } catch {
          errors.push(`${where}: @shopify/ui-extensions has no type reference for target ${point.target}`);
        }
      }
    }
    // Shopify's admin-action template: "Only 1 target can be specified for each Admin action extension".
    const actions = points.filter((p) => /^admin\..*\.action\.render$/.test(p.target));
    if (actions.length > 0 && points.length > 1) {
      errors.push(`${where}: an admin action extension takes exactly one target`);
    }
    extensions.push({
      directory,
      configPath,
      config: { ...config, handle: config.handle },
      targets: points.map((p) => ({ target: p.target, module: p.module })),
    });
  });
  return { extensions, errors };
}

export function findExtensionConfigs(dir = path.join(root, "extensions")): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => path.join(dir, name, "shopify.extension.toml"))
    .filter((p) => existsSync(p) && statSync(p).isFile());
}

/** Every extension of the app, validated, with app-wide checks (unique handles). */
export function loadAllExtensions(dir?: string): { extensions: LoadedExtension[]; errors: string[] } {
  const all = findExtensionConfigs(dir).map((p) => loadExtensionToml(p));
  const extensions = all.flatMap((r) => r.extensions);
  const errors = all.flatMap((r) => r.errors);
  const handles = new Set<string>();
  for (const e of extensions) {
    if (handles.has(e.config.handle)) {
      errors.push(`Duplicated handle "${e.config.handle}" in extensions. Handle needs to be unique per extension.`);
    }
    handles.add(e.config.handle);
  }
  return { extensions, errors };
}

// ── Bundling

/** The entry the CLI feeds esbuild on stdin (getBundleExtensionStdinContent). */
export function stdinContents(extension: LoadedExtension): string {
  const modern = apiVersionAtLeast(extension.config.api_version, 2025, 10);
  return extension.targets
    .map(({ target, module }, i) =>
      modern
        ? `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`
        : `import '${module}';`,
    )
    .join("\n");
}

export interface BuiltExtension {
  handle: string;
  outfile: string;
  bytes: number;
  gzipBytes: number;
}

export async function bundleExtension(
  extension: LoadedExtension,
  options: { outdir?: string; minify?: boolean } = {},
): Promise<BuiltExtension> {
  const outfile = path.join(options.outdir ?? path.join(extension.directory, "dist"), `${extension.config.handle}.js`);
  await build({
    outfile,
    stdin: { contents: stdinContents(extension), resolveDir: extension.directory, loader: "tsx" },
    bundle: true,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    jsx: "automatic",
    logLevel: "error",
    loader: { ".esnext": "ts", ".js": "jsx" },
    legalComments: "none",
    minify: options.minify ?? true,
    target: "es6",
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    metafile: true,
  });
  const content = readFileSync(outfile);
  return {
    handle: extension.config.handle,
    outfile,
    bytes: content.length,
    gzipBytes: gzipSync(content).length,
  };
}

async function main() {
  const { extensions, errors } = loadAllExtensions();
  if (errors.length > 0) {
    console.error(`Extension configuration is invalid:\n${errors.map((e) => `  - ${e}`).join("\n")}`);
    process.exit(1);
  }
  for (const extension of extensions) {
    const built = await bundleExtension(extension);
    console.log(
      `${built.handle}: ${path.relative(root, built.outfile)} ${(built.bytes / 1024).toFixed(1)} kB (${(built.gzipBytes / 1024).toFixed(1)} kB gzip)`,
    );
  }
  console.log(`${extensions.length} extensions built`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
