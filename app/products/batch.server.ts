/**
 * "Connect all suggestions" on the Products page, run by the `connect-suggestions` job and recorded in ProductBatch:
 * every store variant that has a SKU, is not connected and is fulfilled by CJ is looked up at CJ by that SKU (10
 * points each, cached in CjVariant) and connected when CJ has a variant with that SKU. Progress (`done` of `total`,
 * `failed`) is written about once a second, so the page's progress bar moves and a job that is run again (a retry, a
 * restart) goes on near where it stopped (a variant connected but not yet recorded is found connected). A variant that cannot be connected is a result with the reason, never a stop.
 */
import { z } from "zod";
import type { Db } from "../db.server";
import { resumeOrdersBlockedBy } from "../fulfillment/blocked.server";
import { lookupCjVariant } from "../fulfillment/cj-variants.server";
import { linksForVariants } from "../fulfillment/variant-links.server";
import type { JobRunner } from "../jobs/queue";
import { NotConnectedError } from "../runtime/deps.server";
import { listStoreVariants, MAX_VARIANT_PAGE, variantNameOf } from "../shopify/products";
import { connectToCjVariant, nowOf, type ProductsDeps, shopByDomain } from "./connections.server";

export const CONNECT_SUGGESTIONS = "connect-suggestions";
/** A running batch whose row has not moved for this long is sent to the queue again (its job was lost). */
const STALE_AFTER_MS = 60_000;
/** How often a running batch writes its progress. */
const PROGRESS_EVERY_MS = 1000;
/** The most store variants one batch reads. */
const MAX_VARIANTS = 10_000;

const itemSchema = z.object({
  variantGid: z.string(),
  productGid: z.string(),
  sku: z.string(),
  name: z.string(),
});
export type BatchItem = z.output<typeof itemSchema>;

const resultSchema = z.object({
  /** null: about the whole batch (why it stopped). */
  variantGid: z.string().nullable(),
  name: z.string().nullable().default(null),
  ok: z.boolean(),
  message: z.string(),
});
export type BatchResult = z.output<typeof resultSchema>;

const parseList = <T>(schema: z.ZodType<T>, text: string): T[] => {
  const parsed = z.array(schema).safeParse(JSON.parse(text || "[]"));
  return parsed.success ? parsed.data : [];
};

export interface BatchView {
  id: string;
  status: "RUNNING" | "DONE" | "FAILED";
  total: number;
  /** Variants handled so far, connected or not. */
  done: number;
  failed: number;
  /** Still reading the store's variants (total not known yet). */
  scanning: boolean;
  results: BatchResult[];
  createdAt: string;
  updatedAt: string;
}

type BatchRow = NonNullable<Awaited<ReturnType<Db["productBatch"]["findUnique"]>>>;

function viewOf(row: BatchRow): BatchView {
  return {
    id: row.id,
    status: row.status === "DONE" || row.status === "FAILED" ? row.status : "RUNNING",
    total: row.total,
    done: row.done,
    failed: row.failed,
    scanning: row.status === "RUNNING" && row.total === 0,
    results: parseList(resultSchema, row.results),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const jobKey = (batchId: string) => `product-batch:${batchId}`;

function enqueueBatch(deps: Pick<ProductsDeps, "queue">, batchId: string) {
  return deps.queue.enqueue("connect-suggestions", { batchId }, { singletonKey: jobKey(batchId) });
}

/**
 * The shop's latest batch for the page, or null. A running one whose job was lost (the process died, the queue
 * forgot it) is sent again: the job goes on from its recorded progress.
 */
export async function latestBatch(deps: ProductsDeps, shopId: string): Promise<BatchView | null> {
  const row = await deps.db.productBatch.findFirst({
    where: { shopId, kind: CONNECT_SUGGESTIONS },
    orderBy: { createdAt: "desc" },
  });
  if (!row) return null;
  if (row.status === "RUNNING" && nowOf(deps).getTime() - row.updatedAt.getTime() > STALE_AFTER_MS) {
    await deps.db.productBatch.update({ where: { id: row.id }, data: { updatedAt: nowOf(deps) } });
    await enqueueBatch(deps, row.id);
  }
  return viewOf(row);
}

/** One batch of the shop (the page polls it while it runs); null when it is not the shop's. */
export async function batchOfShop(deps: ProductsDeps, shopDomain: string, batchId: string): Promise<BatchView | null> {
  const shop = await shopByDomain(deps.db, shopDomain);
  const row = await deps.db.productBatch.findFirst({ where: { id: batchId, shopId: shop.id } });
  return row ? viewOf(row) : null;
}

/** Starts "Connect all suggestions" (or answers the one already running). */
export async function startConnectSuggestions(deps: ProductsDeps, shopDomain: string): Promise<BatchView> {
  const shop = await shopByDomain(deps.db, shopDomain);
  const running = await deps.db.productBatch.findFirst({
    where: { shopId: shop.id, kind: CONNECT_SUGGESTIONS, status: "RUNNING" },
    orderBy: { createdAt: "desc" },
  });
  if (running) return viewOf(running);
  // CJ must be connected before anything is promised.
  await deps.ports.cj(shop.id);
  const row = await deps.db.productBatch.create({
    data: { shopId: shop.id, kind: CONNECT_SUGGESTIONS, status: "RUNNING", total: 0, items: "[]", results: "[]" },
  });
  await enqueueBatch(deps, row.id);
  return viewOf(row);
}

/** The store's variants a batch tries: with a SKU, not connected, fulfilled by CJ. */
async function candidates(deps: ProductsDeps, shopId: string, shopDomain: string): Promise<BatchItem[]> {
  const admin = await deps.ports.admin(shopDomain);
  const items: BatchItem[] = [];
  let after: string | null = null;
  for (let read = 0; read < MAX_VARIANTS; read += MAX_VARIANT_PAGE) {
    const page = await listStoreVariants(admin, { first: MAX_VARIANT_PAGE, after });
    const withSku = page.edges.map((edge) => edge.variant).filter((v) => v.sku);
    const links = await linksForVariants(
      deps.db,
      shopId,
      withSku.map((v) => v.id),
    );
    const skip = new Set(
      [...links.values()].filter((l) => l.cjVariantId || l.notFulfilledByCj).map((l) => l.shopifyVariantGid),
    );
    for (const v of withSku) {
      if (skip.has(v.id)) continue;
      items.push({ variantGid: v.id, productGid: v.product.id, sku: v.sku as string, name: variantNameOf(v) });
    }
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  return items;
}

/** The job: reads the candidates once, then connects them one by one, recording each result. */
export async function runConnectSuggestions(deps: ProductsDeps, batchId: string): Promise<void> {
  const row = await deps.db.productBatch.findUnique({ where: { id: batchId }, include: { shop: true } });
  if (row?.status !== "RUNNING") return;
  const shopId = row.shopId;
  let items = parseList(itemSchema, row.items);
  if (row.total === 0) {
    items = await candidates(deps, shopId, row.shop.domain);
    await deps.db.productBatch.update({
      where: { id: batchId },
      data: { items: JSON.stringify(items), total: items.length, ...(items.length ? {} : { status: "DONE" }) },
    });
    if (items.length === 0) return;
  }

  let cj: Awaited<ReturnType<ProductsDeps["ports"]["cj"]>>;
  try {
    cj = await deps.ports.cj(shopId);
  } catch (error) {
    if (!(error instanceof NotConnectedError)) throw error;
    await stopBatch(deps.db, batchId, error);
    return;
  }
  const results = parseList(resultSchema, row.results);
  const handled = new Set(results.map((r) => r.variantGid));
  let failed = results.filter((r) => !r.ok && r.variantGid).length;
  let done = results.filter((r) => r.variantGid).length;
  let savedAt = Date.now();
  const saveProgress = (status?: "DONE") =>
    deps.db.productBatch.update({
      where: { id: batchId },
      data: { done, failed, results: JSON.stringify(results), ...(status ? { status } : {}) },
    });
  for (const item of items) {
    if (handled.has(item.variantGid)) continue;
    let result: BatchResult;
    try {
      const link = await deps.db.variantLink.findUnique({
        where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid: item.variantGid } },
      });
      const info = link?.cjVariantId ? null : await lookupCjVariant(deps.db, cj, { sku: item.sku }, nowOf(deps));
      if (link?.cjVariantId) {
        // Connected meanwhile (by the merchant, or by a run of this job that stopped before recording it).
        result = { variantGid: item.variantGid, name: item.name, ok: true, message: `Already connected.` };
      } else if (!info) {
        result = {
          variantGid: item.variantGid,
          name: item.name,
          ok: false,
          message: `CJ has no variant with SKU ${item.sku}: connect it by CJ SKU or vid from its row.`,
        };
      } else {
        await connectToCjVariant(deps, shopId, cj, item, info);
        result = {
          variantGid: item.variantGid,
          name: item.name,
          ok: true,
          message: `Connected to CJ variant ${info.sku ?? info.vid}${info.name ? ` (${info.name})` : ""}.`,
        };
      }
    } catch (error) {
      // CJ refused this one (or is out of points for today): said, and the batch goes on with the next.
      result = {
        variantGid: item.variantGid,
        name: item.name,
        ok: false,
        message: `CJ refused it (${(error as Error).message}): connect it by hand from its row.`,
      };
    }
    results.push(result);
    done += 1;
    if (!result.ok) failed += 1;
    // The orders this variant blocked go on now, not at the end of a long batch (which may stop before it).
    if (result.ok) await resumeOrdersBlockedBy(deps, shopId, [item.variantGid]);
    // Progress is written about once a second (and at the end), not after every variant: the results list grows.
    if (Date.now() - savedAt >= PROGRESS_EVERY_MS) {
      await saveProgress();
      savedAt = Date.now();
    }
  }
  await saveProgress("DONE");
}

/** The batch cannot go on (no CJ account, tries used up): FAILED, with why. */
export async function stopBatch(db: Db, batchId: string, error: unknown): Promise<void> {
  const row = await db.productBatch.findUnique({ where: { id: batchId } });
  if (row?.status !== "RUNNING") return;
  const results = parseList(resultSchema, row.results);
  results.push({ variantGid: null, name: null, ok: false, message: (error as Error).message });
  await db.productBatch.update({
    where: { id: batchId },
    data: { status: "FAILED", results: JSON.stringify(results) },
  });
}

/** Registers the Products page's jobs (app/jobs/registry.server.ts). */
export function registerProductJobs(runner: JobRunner, deps: ProductsDeps): void {
  runner.register("connect-suggestions", {
    maxAttempts: 3,
    handler: async (data) => {
      await runConnectSuggestions(deps, String(data.batchId ?? ""));
    },
    onExhausted: async (data, error) => {
      await stopBatch(deps.db, String(data.batchId ?? ""), error);
    },
  });
}
