/** Shopping §3: shipping info (seed 002): waybill upload/update (multipart) and POD pictures. */
import { FormData } from "undici";
import type { z } from "zod";
import { jsonEndpoint } from "./endpoint";
import { CjRequestValidationError } from "./errors";
import { podPicturesEditRequest, validateCjRequest, waybillInfoRequest } from "./requests";
import { booleanDataSchema, podPicturesEditSchema } from "./responses";
import type { CjTransport } from "./transport.server";

export type CjWaybillInfoRequest = z.input<typeof waybillInfoRequest> & {
  /** The label document (`waybillFile`, MultipartFile). */
  waybillFile: { content: Blob | Uint8Array; fileName: string; contentType?: string };
};

function waybillEndpoint(transport: CjTransport, path: string) {
  return async (input: CjWaybillInfoRequest): Promise<boolean | null> => {
    const { waybillFile, ...fields } = input;
    const valid = validateCjRequest(path, waybillInfoRequest, fields);
    const size = waybillFile?.content instanceof Blob ? waybillFile.content.size : waybillFile?.content?.byteLength;
    if (!waybillFile?.fileName || !size) {
      throw new CjRequestValidationError(path, [{ path: "waybillFile", rule: "required" }]);
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(valid)) form.append(name, value);
    const blob =
      waybillFile.content instanceof Blob
        ? waybillFile.content
        : new Blob([new Uint8Array(waybillFile.content)], { type: waybillFile.contentType ?? "application/pdf" });
    form.append("waybillFile", blob, waybillFile.fileName);
    return transport.call({ method: "POST", path, form, data: booleanDataSchema });
  };
}

export function createCjShippingInfoApi(transport: CjTransport) {
  return {
    /** 002 §3.1: only after the CJ order is paid (platform-logistics orders). */
    uploadWaybillInfo: waybillEndpoint(transport, "/shopping/order/uploadWaybillInfo"),
    /** 002 §3.2. */
    updateWaybillInfo: waybillEndpoint(transport, "/shopping/order/updateWaybillInfo"),
    /** 002 §3.3: per line `result` 0 = fail, 1 = processing, 2 = success. */
    podProductCustomPicturesEdit: jsonEndpoint(
      transport,
      "POST",
      "/shopping/order/podProductCustomPicturesEdit",
      podPicturesEditRequest,
      podPicturesEditSchema,
    ),
  };
}
export type CjShippingInfoApi = ReturnType<typeof createCjShippingInfoApi>;
