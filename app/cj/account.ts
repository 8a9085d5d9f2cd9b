/** Account and links (cj-api-facts): settings, shops, variants, product connections, webhook registration. */

import type { z } from "zod";
import { jsonEndpoint } from "./endpoint";
import {
  type CjVariantQueryRequest,
  connectionCreateRequest,
  connectionDeleteRequest,
  connectionListRequest,
  validateCjRequest,
  variantByVidRequest,
  variantQueryRequest,
  webhookSetRequest,
} from "./requests";
import {
  anyDataSchema,
  type CjSetting,
  connectionsSchema,
  settingSchema,
  shopsSchema,
  variantByVidSchema,
  variantListSchema,
} from "./responses";
import type { CjTransport } from "./transport.server";

const CONNECTION = "/product/conn/connection";

export function createCjAccountApi(transport: CjTransport, onSettings?: (setting: CjSetting) => void) {
  return {
    /** `GET /setting/get`: `setting.qpsLimit` and quota limits; the client adopts the QPS for rate limiting. */
    getSettings: async (): Promise<CjSetting> => {
      const setting = await transport.call({ method: "GET", path: "/setting/get", data: settingSchema });
      onSettings?.(setting);
      return setting;
    },
    /** `GET /shop/getShops`: stores authorised in CJ (`storeName` of createOrderV2 must match one). */
    getShops: () => transport.call({ method: "GET", path: "/shop/getShops", data: shopsSchema }),
    /** `GET /product/variant/query` (10 points). */
    queryVariants: async (input: CjVariantQueryRequest) => {
      const path = "/product/variant/query";
      return transport.call({
        method: "GET",
        path,
        query: validateCjRequest(path, variantQueryRequest, input),
        data: variantListSchema,
      });
    },
    /** `GET /product/variant/queryByVid` (10 points); `null` when CJ has no such variant. */
    queryVariantByVid: async (vid: string) => {
      const path = "/product/variant/queryByVid";
      return transport.call({
        method: "GET",
        path,
        query: validateCjRequest(path, variantByVidRequest, { vid }),
        data: variantByVidSchema,
      });
    },
    /** `GET /product/conn/connection`: store product ↔ CJ variant connections (answer kept as CJ sends it). */
    listConnections: async (input: z.input<typeof connectionListRequest> = {}) =>
      transport.call({
        method: "GET",
        path: CONNECTION,
        query: validateCjRequest(CONNECTION, connectionListRequest, input),
        data: connectionsSchema,
      }),
    /** `POST /product/conn/connection`. */
    createConnection: jsonEndpoint(transport, "POST", CONNECTION, connectionCreateRequest, anyDataSchema),
    /** `DELETE /product/conn/connection` (parameters sent in the query string). */
    deleteConnection: async (input: z.input<typeof connectionDeleteRequest>) =>
      transport.call({
        method: "DELETE",
        path: CONNECTION,
        query: validateCjRequest(CONNECTION, connectionDeleteRequest, input),
        data: anyDataSchema,
      }),
    /** `POST /webhook/set`: `{order|logistics|product|stock: {type: ENABLE|CANCEL, callbackUrls: [https URL]}}`. */
    setWebhooks: jsonEndpoint(transport, "POST", "/webhook/set", webhookSetRequest, anyDataSchema),
  };
}
export type CjAccountApi = ReturnType<typeof createCjAccountApi>;
