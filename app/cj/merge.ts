/** Shopping §5: merge orders (seed 002). The progress/result endpoints take no body. */
import { emptyBodyEndpoint, jsonEndpoint } from "./endpoint";
import { autoMatchMergeRequest, submitMergeBatchRequest } from "./requests";
import { mergeOrderGroupsSchema, mergeProgressSchema, mergeSubmitResultSchema } from "./responses";
import type { CjTransport } from "./transport.server";

const BASE = "/shopping/mergeOrder";

export function createCjMergeApi(transport: CjTransport) {
  return {
    /** 002 §5.1. */
    autoMatchMergeOrderList: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/autoMatchMergeOrderListV3`,
      autoMatchMergeRequest,
      mergeOrderGroupsSchema,
    ),
    /** 002 §5.2 (`stepPercent` max 10000). */
    autoMergeQueryProgress: emptyBodyEndpoint(transport, `${BASE}/autoMergeQueryProgress`, mergeProgressSchema),
    /** 002 §5.3. */
    autoMergeQueryResult: emptyBodyEndpoint(transport, `${BASE}/autoMergeQueryResult`, mergeOrderGroupsSchema),
    /** 002 §5.4: the body is a JSON array of merge groups. */
    submitMergeOrderBatch: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/submitMergeOrderBatchV3`,
      submitMergeBatchRequest,
      mergeSubmitResultSchema,
    ),
    /** 002 §5.5. */
    submitProgress: emptyBodyEndpoint(transport, `${BASE}/submitProgress`, mergeProgressSchema),
    /** 002 §5.6. */
    submitResult: emptyBodyEndpoint(transport, `${BASE}/submitResult`, mergeSubmitResultSchema),
  };
}
export type CjMergeApi = ReturnType<typeof createCjMergeApi>;
