/** Shopping §4: COGS basic data (seed 002). */
import { jsonEndpoint } from "./endpoint";
import { cogsRequest } from "./requests";
import { cogsSchema } from "./responses";
import type { CjTransport } from "./transport.server";

export function createCjCogsApi(transport: CjTransport) {
  return {
    /** 002 §4.1 (the basic data uses CJ's one-letter keys; see the CogsBasicDataOrderInfoJson table). */
    queryCogsBasicDataOrderInfoList: jsonEndpoint(
      transport,
      "POST",
      "/shopping/order/queryCogsBasicDataOrderInfoList",
      cogsRequest,
      cogsSchema,
    ),
  };
}
export type CjCogsApi = ReturnType<typeof createCjCogsApi>;
