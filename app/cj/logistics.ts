/** Logistics (seeds 001 English / 003 Chinese). */
import { jsonEndpoint } from "./endpoint";
import {
  freightCalculateRequest,
  freightCalculateTipRequest,
  partnerFreightCalculateRequest,
  supplierLogisticsTemplateRequest,
  trackInfoRequest,
  validateCjRequest,
} from "./requests";
import {
  type CjTrackInfo,
  freightCalculateSchema,
  freightCalculateTipSchema,
  partnerFreightCalculateSchema,
  supplierLogisticsTemplateSchema,
  trackInfoSchema,
} from "./responses";
import type { CjTransport } from "./transport.server";

export function createCjLogisticsApi(transport: CjTransport) {
  return {
    /** 001 §1.1 (10 points per call from mid-2026: cache the quotes). */
    freightCalculate: jsonEndpoint(
      transport,
      "POST",
      "/logistic/freightCalculate",
      freightCalculateRequest,
      freightCalculateSchema,
    ),
    /** 001 §1.2. */
    freightCalculateTip: jsonEndpoint(
      transport,
      "POST",
      "/logistic/freightCalculateTip",
      freightCalculateTipRequest,
      freightCalculateTipSchema,
    ),
    /** 001 §1.3. */
    partnerFreightCalculate: jsonEndpoint(
      transport,
      "POST",
      "/logistic/partnerFreightCalculate",
      partnerFreightCalculateRequest,
      partnerFreightCalculateSchema,
    ),
    /** 001 §1.4. */
    getSupplierLogisticsTemplate: jsonEndpoint(
      transport,
      "POST",
      "/logistic/getSupplierLogisticsTemplate",
      supplierLogisticsTemplateRequest,
      supplierLogisticsTemplateSchema,
    ),
    /** 001 §2.1: one call for several tracking numbers (`trackNumber` repeated in the query string). */
    trackInfo: async (trackNumbers: readonly string[]): Promise<CjTrackInfo[]> => {
      const path = "/logistic/trackInfo";
      const query = validateCjRequest(path, trackInfoRequest, { trackNumber: [...trackNumbers] });
      return transport.call({ method: "GET", path, query, data: trackInfoSchema });
    },
  };
}
export type CjLogisticsApi = ReturnType<typeof createCjLogisticsApi>;
