/**
 * Merging one customer's CJ orders into one parcel (seed 002 §5), as a run the merchant starts from the "Merge
 * candidates" page and the `cj-tasks` job carries on:
 * 1. MATCHING: `autoMatchMergeOrderListV3` starts CJ's match over the account's unpaid orders of the complete-order
 *    page (orderStatus 100: the app's orders waiting for payment, see the merge window in payment.server.ts); the
 *    job follows `autoMergeQueryProgress` and, once done, reads `autoMergeQueryResult`. Only groups made of this
 *    shop's own orders that the app still handles unpaid are offered; the saving is the members' postage today minus
 *    the merged parcel's.
 * 2. SUBMITTING: the merchant's chosen groups go out in one `submitMergeOrderBatchV3`. The run is claimed
 *    (`submitClaimedAt`, a conditional update) before the call and never sent again: after a crash, or an answer
 *    lost on the way, the job only reads `submitProgress` / `submitResult`.
 * 3. DONE: a failed group says why (§5.6 codes); a merged group's CJ order is found by the order number the app gave
 *    it and mapped back: its first order (the lead) takes the merged CJ order and is paid as usual; the others follow
 *    the lead's CJ state and each gets its own Shopify fulfillment with the shared tracking number
 *    (state.ts, tracking/shipments.server.ts).
 * The match and submission are tasks of the CJ account (one of each at a time), so an account has one active run.
 */
import Decimal from "decimal.js";
import type { CjClient } from "../cj";
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import { recordOrderEvent } from "../fulfillment/state";
import { enqueueForOrder, type JobQueue } from "../jobs/queue";
import { logger } from "../logger.server";
import { mergeErrorText, mergeSaving, overallPercent } from "./merge-progress";
import { parseJson, TASK_POLL_SECONDS } from "./shared";

/** A match CJ reports no task for this long after it was started is started again (it only reads at CJ). */
const MATCH_LOST_MS = 2 * 60_000;
/** A submission CJ reports no task for this long after it was claimed, without an answer, is given up as unknown. */
const SUBMIT_LOST_MS = 5 * 60_000;
/** CJ's complete-order page (seed 002 §5.1 orderStatus 100): the app's orders are created without payment there. */
const COMPLETE_ORDER_PAGE = 100;

export const ACTIVE_RUN = ["MATCHING", "SUBMITTING"] as const;

export interface MergeDeps {
  db: Db;
  queue: JobQueue;
  ports: { cj(shopId: string): Promise<CjClient> };
  now?: () => Date;
}

export const mergeJobKey = (runId: string) => `merge:${runId}`;

export class MergeError extends Error {
  override readonly name = "MergeError";
}

function enqueueRun(queue: JobQueue, runId: string, later = false) {
  return queue.enqueue(
    "cj-tasks",
    { kind: "merge", runId },
    { singletonKey: mergeJobKey(runId), ...(later ? { startAfterSeconds: TASK_POLL_SECONDS } : {}) },
  );
}

/** The merchant's "Find merge candidates": a new run, unless the CJ account has one matching or submitting. */
export async function startMergeRun(deps: MergeDeps, shopId: string): Promise<{ runId: string }> {
  const { db } = deps;
  const shop = await db.shop.findUnique({ where: { id: shopId }, include: { settings: true } });
  if (!shop?.cjAccountId) throw new MergeError("Connect a CJ account in Settings first.");
  if (!shop.settings?.mergeOrders) {
    throw new MergeError('Merging is off for this store: turn on "Merge one customer\'s orders" in Settings first.');
  }
  const active = await db.mergeRun.findFirst({
    where: { accountId: shop.cjAccountId, status: { in: [...ACTIVE_RUN] } },
    include: { shop: { select: { domain: true } } },
  });
  if (active) {
    throw new MergeError(
      active.shopId === shopId
        ? "A merge run is already in progress: wait for it to finish."
        : `The CJ account is merging orders of ${active.shop.domain} right now (CJ runs one merge at a time per account): try again in a minute.`,
    );
  }
  // An earlier run's groups were never submitted: the new match replaces them.
  await db.mergeRun.updateMany({
    where: { shopId, status: "MATCHED" },
    data: { status: "DONE", finishedAt: deps.now?.() ?? new Date(), error: "Replaced by a newer match." },
  });
  const run = await db.mergeRun.create({ data: { shopId, accountId: shop.cjAccountId, status: "MATCHING" } });
  await enqueueRun(deps.queue, run.id);
  return { runId: run.id };
}

/** The merchant's submission: the chosen groups (with a shipping method each) are sent; the others are skipped. */
export async function submitMergeGroups(
  deps: MergeDeps,
  shopId: string,
  runId: string,
  choices: readonly { groupId: string; logisticName?: string | null }[],
): Promise<{ submitted: number }> {
  const { db } = deps;
  const run = await db.mergeRun.findFirst({ where: { id: runId, shopId }, include: { groups: true } });
  if (!run) throw new MergeError("This merge run does not exist (any more).");
  if (run.status !== "MATCHED") {
    throw new MergeError(
      run.status === "SUBMITTING" || run.submitClaimedAt
        ? "These groups were submitted already: the app never submits a batch twice."
        : "These groups cannot be submitted now: find merge candidates again.",
    );
  }
  const chosen = new Map(choices.map((c) => [c.groupId, c.logisticName ?? null]));
  const selected = run.groups.filter((g) => g.status === "FOUND" && chosen.has(g.id));
  if (selected.length === 0) throw new MergeError("Select at least one group to merge.");
  for (const group of selected) {
    const options = parseJson<{ logisticsName: string }[]>(group.options, []);
    const pick = chosen.get(group.id) || group.logisticName;
    if (!pick || !options.some((o) => o.logisticsName === pick)) {
      throw new MergeError(
        `Choose one of CJ's shipping methods for the group of ${group.customerName ?? "a customer"}.`,
      );
    }
  }
  const claimed = await db.$transaction(async (tx) => {
    const moved = await tx.mergeRun.updateMany({
      where: { id: runId, status: "MATCHED", submitClaimedAt: null },
      data: { status: "SUBMITTING", progress: 0, step: null },
    });
    if (moved.count === 0) return false;
    for (const group of run.groups) {
      const pick = chosen.get(group.id);
      const isSelected = selected.includes(group);
      const options = parseJson<{ logisticsName: string; postage: string | null }[]>(group.options, []);
      const logisticName = isSelected ? pick || group.logisticName : group.logisticName;
      const merged = options.find((o) => o.logisticsName === logisticName)?.postage ?? null;
      await tx.mergeGroup.update({
        where: { id: group.id },
        data: {
          status: isSelected ? "SELECTED" : group.status === "FOUND" ? "SKIPPED" : group.status,
          logisticName,
          mergedPostage: merged,
          savingUsd: mergeSaving(group.currentPostage, merged),
        },
      });
    }
    return true;
  });
  if (!claimed) throw new MergeError("These groups were submitted already: the app never submits a batch twice.");
  await enqueueRun(deps.queue, runId);
  return { submitted: selected.length };
}

/** The `cj-tasks` job for one run: one step of the match or the submission; sends itself again while CJ works. */
export async function advanceMergeRun(deps: MergeDeps, runId: string): Promise<void> {
  const run = await deps.db.mergeRun.findUnique({ where: { id: runId } });
  if (!run || !ACTIVE_RUN.includes(run.status as never)) return;
  const cj = await deps.ports.cj(run.shopId);
  const again = run.status === "MATCHING" ? await advanceMatch(deps, cj, run) : await advanceSubmission(deps, cj, run);
  if (again) await enqueueRun(deps.queue, runId, true);
}

/** Every run left MATCHING or SUBMITTING (a process that died, a lost job) is carried on (start-up and the sweep). */
export async function resumeMergeRuns(deps: MergeDeps): Promise<number> {
  const runs = await deps.db.mergeRun.findMany({ where: { status: { in: [...ACTIVE_RUN] } }, select: { id: true } });
  for (const run of runs) await enqueueRun(deps.queue, run.id);
  return runs.length;
}

type Run = NonNullable<Awaited<ReturnType<Db["mergeRun"]["findUnique"]>>>;

const stepText = (p: { step?: number | null; stepCount?: readonly unknown[] | null }) =>
  p.stepCount?.length ? `CJ step ${p.step ?? 1} of ${p.stepCount.length}` : null;

async function advanceMatch(deps: MergeDeps, cj: CjClient, run: Run): Promise<boolean> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  if (!run.matchStartedAt) {
    await cj.merge.autoMatchMergeOrderList({ filterOrder: true, orderStatus: COMPLETE_ORDER_PAGE });
    await db.mergeRun.update({ where: { id: run.id }, data: { matchStartedAt: now, progress: 0 } });
  }
  const progress = await cj.merge.autoMergeQueryProgress();
  const started = run.matchStartedAt?.getTime() ?? now.getTime();
  if (progress.noTask && now.getTime() - started >= MATCH_LOST_MS) {
    // CJ no longer knows the task (it only reads at CJ): asked again, followed from the next step on.
    await db.mergeRun.update({ where: { id: run.id }, data: { matchStartedAt: null, progress: 0 } });
    return true;
  }
  const percent = progress.noTask ? 0 : overallPercent(progress);
  if (progress.noTask || percent < 100) {
    await db.mergeRun.update({ where: { id: run.id }, data: { progress: percent, step: stepText(progress) } });
    return true;
  }
  const result = await cj.merge.autoMergeQueryResult();
  await storeGroups(deps, run, result);
  return false;
}

type MatchResult = Awaited<ReturnType<CjClient["merge"]["autoMergeQueryResult"]>>;

/** CJ's groups, reduced to those the merchant can act on: every order this shop's, unpaid, handled by the app. */
async function storeGroups(deps: MergeDeps, run: Run, result: MatchResult) {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const found = (result ?? []).flatMap((entry) => entry?.mergeShopOrderVOList ?? []);
  const codesOf = (vo: (typeof found)[number]) =>
    (vo?.mergeOrderInfoList ?? []).map((o) => o?.orderCode).filter((c): c is string => !!c);
  const known = await db.order.findMany({
    where: { shopId: run.shopId, cjOrderId: { in: found.flatMap(codesOf) }, mergedIntoId: null },
    select: { id: true, cjOrderId: true, cjOrderNumber: true, state: true, cjPayId: true, postageAmount: true },
  });
  const byCode = new Map(known.map((o) => [o.cjOrderId, o]));
  let skipped = 0;
  const groups: Parameters<Db["mergeGroup"]["create"]>[0]["data"][] = [];
  for (const [index, vo] of found.entries()) {
    const codes = codesOf(vo);
    const members = codes.map((c) => byCode.get(c));
    const usable =
      codes.length > 1 && members.every((o) => o && ["SUBMITTED", "AWAITING_PAYMENT"].includes(o.state) && !o.cjPayId);
    if (!usable) {
      skipped++;
      continue;
    }
    const list = members as NonNullable<(typeof members)[number]>[];
    const options = (vo?.logisticsInfoList ?? [])
      .filter((o) => o?.logisticsName)
      .map((o) => ({
        logisticsName: o?.logisticsName as string,
        postage: o?.postage ?? null,
        arrivalTime: o?.arrivalTime ?? null,
        isChecked: o?.isChecked === true,
      }))
      .sort((a, b) => new Decimal(a.postage ?? "1e9").comparedTo(b.postage ?? "1e9"));
    const preferred = options.find((o) => o.isChecked) ?? options[0] ?? null;
    const current = list.every((o) => o.postageAmount)
      ? list.reduce((sum, o) => sum.plus(o.postageAmount as string), new Decimal(0)).toFixed(2)
      : null;
    const lead = list[0] as (typeof list)[number];
    groups.push({
      runId: run.id,
      orderNumber: `M${run.id.slice(-6)}${index}-${lead.cjOrderNumber ?? lead.id}`.slice(0, 50),
      cjOrderCodes: JSON.stringify(codes),
      orderIds: JSON.stringify(list.map((o) => o.id)),
      customerName: vo?.customerName ?? null,
      countryCode: vo?.countryCode ?? null,
      city: vo?.city ?? null,
      options: JSON.stringify(options),
      logisticName: preferred?.logisticsName ?? null,
      currentPostage: current,
      mergedPostage: preferred?.postage ?? null,
      savingUsd: mergeSaving(current, preferred?.postage ?? null),
    });
  }
  await db.$transaction(async (tx) => {
    const moved = await tx.mergeRun.updateMany({
      where: { id: run.id, status: "MATCHING" },
      data: {
        status: "MATCHED",
        progress: 100,
        step: null,
        skippedGroups: skipped,
        ...(groups.length === 0 ? { status: "DONE", finishedAt: now } : {}),
      },
    });
    if (moved.count === 0) return;
    for (const data of groups) await tx.mergeGroup.create({ data });
  });
}

async function advanceSubmission(deps: MergeDeps, cj: CjClient, run: Run): Promise<boolean> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const selected = await db.mergeGroup.findMany({ where: { runId: run.id, status: "SELECTED" } });
  if (!run.submitClaimedAt) {
    const claim = await db.mergeRun.updateMany({
      where: { id: run.id, submitClaimedAt: null },
      data: { submitClaimedAt: now },
    });
    if (claim.count === 1) {
      const sent = await sendBatch(deps, cj, run, selected);
      if (!sent) return false;
    }
  }
  const progress = await cj.merge.submitProgress();
  const percent = progress.noTask ? 0 : overallPercent(progress);
  if (progress.noTask) {
    const fresh = await db.mergeRun.findUnique({ where: { id: run.id } });
    const since = fresh?.submitClaimedAt?.getTime() ?? now.getTime();
    if (!fresh?.submitAnswered && now.getTime() - since > SUBMIT_LOST_MS) {
      await unknownOutcome(deps, run.id, now);
      return false;
    }
    if (!fresh?.submitAnswered) return true;
  } else if (percent < 100) {
    await db.mergeRun.update({ where: { id: run.id }, data: { progress: percent, step: stepText(progress) } });
    return true;
  }
  const result = await cj.merge.submitResult();
  await applySubmitResult(deps, cj, run, selected, result);
  return false;
}

/** The one submission of a run. false: CJ refused it outright (nothing merged), and the run is over. */
async function sendBatch(
  deps: MergeDeps,
  cj: CjClient,
  run: Run,
  selected: Awaited<ReturnType<Db["mergeGroup"]["findMany"]>>,
): Promise<boolean> {
  const { db } = deps;
  const items = selected.map((g) => ({
    logisticName: g.logisticName ?? "",
    orderCodeList: parseJson<string[]>(g.cjOrderCodes, []),
    orderNumber: g.orderNumber,
    orderStatus: COMPLETE_ORDER_PAGE,
    packType: 0,
  }));
  try {
    await cj.merge.submitMergeOrderBatch(items);
    await db.mergeRun.update({ where: { id: run.id }, data: { submitAnswered: true } });
    return true;
  } catch (error) {
    // A refusal CJ states (a rejected request) merged nothing: every group says why, and can be matched again.
    if (error instanceof CjApiError && error.kind === "permanent") {
      const reason = `CJ refused the submission (${error.code} ${error.message}); nothing was merged. Find merge candidates again to retry.`;
      await db.$transaction([
        db.mergeGroup.updateMany({
          where: { runId: run.id, status: "SELECTED" },
          data: { status: "FAILED", error: reason },
        }),
        db.mergeRun.update({
          where: { id: run.id },
          data: { status: "DONE", progress: 100, error: reason, finishedAt: deps.now?.() ?? new Date() },
        }),
      ]);
      return false;
    }
    // No answer (network, timeout, CJ busy): CJ may have taken the batch. It is not sent again; CJ's progress and
    // result tell what happened.
    logger.warn({ runId: run.id, err: (error as Error).message }, "merge submission unanswered; following CJ's task");
    return true;
  }
}

async function unknownOutcome(deps: MergeDeps, runId: string, now: Date) {
  const reason =
    "The batch was sent but CJ neither answered nor reports a submission task: check CJ's order list for merged orders. The app does not send it again; find merge candidates again to retry what was not merged.";
  await deps.db.$transaction([
    deps.db.mergeGroup.updateMany({ where: { runId, status: "SELECTED" }, data: { status: "UNKNOWN", error: reason } }),
    deps.db.mergeRun.update({ where: { id: runId }, data: { status: "DONE", error: reason, finishedAt: now } }),
  ]);
}

type SubmitResult = Awaited<ReturnType<CjClient["merge"]["submitResult"]>>;

async function applySubmitResult(
  deps: MergeDeps,
  cj: CjClient,
  run: Run,
  selected: Awaited<ReturnType<Db["mergeGroup"]["findMany"]>>,
  result: SubmitResult,
) {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const failures = (result?.mergeFailOrderGroupList ?? []).filter((f) => f?.errorCode !== 200);
  let merged = 0;
  let failed = 0;
  for (const group of selected) {
    const codes = parseJson<string[]>(group.cjOrderCodes, []);
    const failure = failures.find((f) => (f?.orderCodes ?? []).some((code) => codes.includes(code as string)));
    if (failure) {
      failed++;
      await db.mergeGroup.update({
        where: { id: group.id },
        data: {
          status: "FAILED",
          errorCode: failure.errorCode ?? null,
          error: `${mergeErrorText(failure.errorCode)}. These orders stay as they were and are paid after the merge window; correct them at CJ or in Shopify and find merge candidates again to retry.`,
        },
      });
      continue;
    }
    // The merged order carries the order number the app gave the group: that is how it is told from the others.
    const detail = await cj.orders.findOrder(group.orderNumber);
    if (!detail?.orderId) {
      failed++;
      await db.mergeGroup.update({
        where: { id: group.id },
        data: {
          status: "UNKNOWN",
          error: `CJ reported no failure for this group, but no order ${group.orderNumber} exists at CJ: check CJ's order list.`,
        },
      });
      continue;
    }
    await mapMergedOrder(deps, group, detail);
    merged++;
  }
  await db.mergeRun.update({
    where: { id: run.id },
    data: {
      status: "DONE",
      progress: 100,
      step: null,
      finishedAt: now,
      error: failed > 0 ? `${failed} of ${selected.length} group(s) were not merged: each says why.` : null,
    },
  });
  logger.info({ runId: run.id, merged, failed }, "merge submission finished");
}

type MergedDetail = NonNullable<Awaited<ReturnType<CjClient["orders"]["findOrder"]>>>;

/** One merged CJ order back to every Shopify order in it: the lead takes it (and pays it), the others follow. */
async function mapMergedOrder(
  deps: MergeDeps,
  group: Awaited<ReturnType<Db["mergeGroup"]["findMany"]>>[number],
  detail: MergedDetail,
) {
  const { db } = deps;
  const orderIds = parseJson<string[]>(group.orderIds, []);
  const [leadId, ...followerIds] = orderIds;
  if (!leadId) return;
  const newId = detail.orderId as string;
  const orders = await db.order.findMany({
    where: { id: { in: orderIds } },
    select: { id: true, shopifyOrderName: true, cjOrderId: true },
  });
  const nameOf = (id: string) => orders.find((o) => o.id === id)?.shopifyOrderName ?? id;
  const others = (id: string) =>
    orderIds
      .filter((o) => o !== id)
      .map(nameOf)
      .join(", ");
  await db.$transaction(async (tx) => {
    await tx.mergeGroup.update({ where: { id: group.id }, data: { status: "MERGED", newCjOrderId: newId } });
    await tx.order.update({
      where: { id: leadId },
      data: {
        cjOrderId: newId,
        cjStatus: detail.orderStatus ?? "CREATED",
        mergeGroupId: group.id,
        logisticName: detail.logisticName ?? group.logisticName,
        orderAmount: detail.orderAmount ?? null,
        productAmount: detail.productAmount ?? null,
        postageAmount: detail.postageAmount ?? group.mergedPostage,
        cjPayId: null,
        cjPayUrl: null,
        cjShipmentOrderId: null,
      },
    });
    await recordOrderEvent(tx, leadId, {
      actor: "merchant",
      type: "merged",
      message: `Merged at CJ with ${others(leadId)} into CJ order ${newId} (${group.orderNumber}, ${group.logisticName ?? "CJ's method"}${group.savingUsd ? `, saving ${group.savingUsd} USD postage` : ""}). This order carries the merged parcel's payment.`,
      data: { mergeGroupId: group.id, cjOrderId: newId, mergedFrom: parseJson(group.cjOrderCodes, []) },
    });
    for (const id of followerIds) {
      const before = orders.find((o) => o.id === id)?.cjOrderId ?? null;
      await tx.order.update({
        where: { id },
        data: {
          cjOrderId: newId,
          cjStatus: detail.orderStatus ?? "CREATED",
          mergedIntoId: leadId,
          mergeGroupId: group.id,
          logisticName: detail.logisticName ?? group.logisticName,
          cjPayId: null,
          cjPayUrl: null,
          cjShipmentOrderId: null,
          nextPollAt: null,
          // CJ's costs are counted once, on the lead, and shared out (money/costs.server.ts).
          costsDueAt: null,
        },
      });
      await recordOrderEvent(tx, id, {
        actor: "merchant",
        type: "merged",
        message: `Merged at CJ with ${others(id)} into CJ order ${newId} (was ${before ?? "?"}): paid and shipped with ${nameOf(leadId)}; this order gets its own fulfillment with the shared tracking number.`,
        data: { mergeGroupId: group.id, cjOrderId: newId, leadOrderId: leadId },
      });
    }
  });
  // Merged: nothing is left to wait for. The lead is paid by the shop's rules now.
  await enqueueForOrder(deps.queue, "pay-order", leadId);
}

export interface MergePageGroup {
  id: string;
  customerName: string | null;
  countryCode: string | null;
  city: string | null;
  orders: { id: string; name: string; cjOrderId: string | null }[];
  options: { logisticsName: string; postage: string | null; arrivalTime: string | null }[];
  logisticName: string | null;
  currentPostage: string | null;
  mergedPostage: string | null;
  savingUsd: string | null;
  status: string;
  error: string | null;
  newCjOrderId: string | null;
}

export interface MergePage {
  enabled: boolean;
  windowMinutes: number;
  run: {
    id: string;
    status: string;
    progress: number;
    step: string | null;
    skippedGroups: number;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
    groups: MergePageGroup[];
  } | null;
  /** Orders waiting for payment at CJ's complete-order page (what CJ can match). */
  waiting: number;
}

export async function loadMergePage(db: Db, shopId: string): Promise<MergePage> {
  const [settings, run, waiting] = await Promise.all([
    db.shopSettings.findUnique({ where: { shopId } }),
    db.mergeRun.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" }, include: { groups: true } }),
    db.order.count({
      where: { shopId, state: { in: ["SUBMITTED", "AWAITING_PAYMENT"] }, cjPayId: null, cjOrderId: { not: null } },
    }),
  ]);
  const ids = (run?.groups ?? []).flatMap((g) => parseJson<string[]>(g.orderIds, []));
  const orders = ids.length
    ? await db.order.findMany({
        where: { id: { in: ids } },
        select: { id: true, shopifyOrderName: true, cjOrderId: true },
      })
    : [];
  return {
    enabled: settings?.mergeOrders ?? false,
    windowMinutes: settings?.mergeWindowMinutes ?? 360,
    waiting,
    run: run
      ? {
          id: run.id,
          status: run.status,
          progress: run.progress,
          step: run.step,
          skippedGroups: run.skippedGroups,
          error: run.error,
          createdAt: run.createdAt.toISOString(),
          finishedAt: run.finishedAt?.toISOString() ?? null,
          groups: run.groups
            .sort((a, b) => new Decimal(b.savingUsd ?? 0).comparedTo(a.savingUsd ?? 0) || a.id.localeCompare(b.id))
            .map((g) => ({
              id: g.id,
              customerName: g.customerName,
              countryCode: g.countryCode,
              city: g.city,
              orders: parseJson<string[]>(g.orderIds, []).map((id) => {
                const o = orders.find((x) => x.id === id);
                return { id, name: o?.shopifyOrderName ?? id, cjOrderId: o?.cjOrderId ?? null };
              }),
              options: parseJson<MergePageGroup["options"]>(g.options, []),
              logisticName: g.logisticName,
              currentPostage: g.currentPostage,
              mergedPostage: g.mergedPostage,
              savingUsd: g.savingUsd,
              status: g.status,
              error: g.error,
              newCjOrderId: g.newCjOrderId,
            })),
        }
      : null,
  };
}
