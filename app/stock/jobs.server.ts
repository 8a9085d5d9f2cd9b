/**
 * The `cj-tasks` job: CJ's asynchronous processes the merchant starts from the stock pages (merge matches and
 * submissions, outbound orders), one step at a time. A task sends itself again while CJ works; the scheduled run
 * (every CJ_TASKS_EVERY_SECONDS, and at start-up) carries on every task whose job was lost with a process.
 */
import type { ForwardDeps } from "../fulfillment/forward.server";
import type { JobRunner } from "../jobs/queue";
import { advanceMergeRun, resumeMergeRuns } from "./merge.server";
import { advanceOutbound, resumeOutbound } from "./outbound.server";

export function registerStockJobs(runner: JobRunner, deps: ForwardDeps) {
  runner.register("cj-tasks", {
    maxAttempts: 5,
    everySeconds: Number(process.env.CJ_TASKS_EVERY_SECONDS ?? 60),
    handler: async (data) => {
      if (data.kind === "merge" && typeof data.runId === "string") await advanceMergeRun(deps, data.runId);
      else if (data.kind === "outbound" && typeof data.outboundId === "string") {
        await advanceOutbound(deps, data.outboundId);
      } else {
        await resumeMergeRuns(deps);
        await resumeOutbound(deps);
      }
    },
    onExhausted: async (data, error) => {
      if (data.kind === "outbound" && typeof data.outboundId === "string") {
        await deps.db.outboundOrder.updateMany({
          where: { id: data.outboundId, status: "PROCESSING" },
          data: { error: `CJ could not be reached: ${(error as Error).message}. The app tries again every minute.` },
        });
        return;
      }
      if (data.kind !== "merge" || typeof data.runId !== "string") return;
      // The run stays where it is (the sweep carries it on); the page says why it is not moving.
      await deps.db.mergeRun.updateMany({
        where: { id: data.runId, status: { in: ["MATCHING", "SUBMITTING"] } },
        data: { error: `CJ could not be reached: ${(error as Error).message}. The app tries again every minute.` },
      });
    },
  });
}
