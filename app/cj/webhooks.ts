/**
 * CJ → app webhooks (cj-api-facts "Webhooks"): signature and payload schemas.
 * Header `sign` = Base64(HMAC-SHA256(key = openId, message = raw body bytes)); verify on the raw body, never on a
 * re-serialisation. Envelope `{messageId, type, messageType, openId?, params}`; dedupe on `messageId`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { cjInt, cjList, cjMoney, cjString, cjStringList, tolerantObject } from "./schemas";

export function signCjWebhook(rawBody: string | Buffer, openId: string): string {
  return createHmac("sha256", String(openId)).update(rawBody).digest("base64");
}

export function verifyCjSignature(rawBody: string | Buffer, sign: string, openId: string): boolean {
  if (!sign || !openId) return false;
  const expected = Buffer.from(signCjWebhook(rawBody, openId), "base64");
  let received: Buffer;
  try {
    received = Buffer.from(sign.trim(), "base64");
  } catch {
    return false;
  }
  return received.length === expected.length && timingSafeEqual(received, expected);
}

// Params are read field by field (tolerantObject): an authentic message with one odd field still does its work.
const orderParams = tolerantObject(
  {
    cjOrderId: cjString,
    orderNumber: cjString,
    orderStatus: cjString,
    logisticName: cjString,
    trackNumber: cjString,
    trackingUrl: cjString,
    createDate: cjString,
    updateDate: cjString,
    payDate: cjString,
    deliveryDate: cjString,
    completeDate: cjString,
    trackingProvider: cjString,
    orderItems: cjList(
      z.looseObject({
        vid: cjString,
        quantity: cjInt,
        sellPrice: cjMoney,
        lineItemId: cjString,
        storeLineItemId: cjString,
      }),
    ),
  },
  { name: "ORDER params" },
);

export const cjTrackEventSchema = z.looseObject({
  status: cjString,
  activity: cjString,
  location: cjString,
  eventTime: cjString,
  statusDesc: cjString,
});
export type CjTrackEvent = z.output<typeof cjTrackEventSchema>;

/** `logisticsTrackEvents` is a string holding a JSON array (cj-api-facts); an array is accepted too. */
const trackEvents = z
  .union([z.string(), z.array(z.unknown()), z.null()])
  .optional()
  .transform((value, ctx): unknown => {
    if (value === null || value === undefined || value === "") return [];
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "logisticsTrackEvents is not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.array(cjTrackEventSchema));

/**
 * `trackingStatus`: 0 no info … 12 delivered, 13 failure/exception, 14 return; `null` when CJ sends none (the
 * message still carries the tracking number and events).
 */
const trackingStatus = cjInt.pipe(
  z.number().int().min(0, "trackingStatus must be 0–14").max(14, "trackingStatus must be 0–14").nullable(),
);

const logisticParams = tolerantObject(
  {
    orderId: cjString,
    logisticName: cjString,
    trackingNumber: cjString,
    trackingUrl: cjString,
    trackingStatus,
    logisticsTrackEvents: trackEvents,
    storeOrderNumbers: cjStringList,
    trackingProvider: cjString,
    lastMileCarrier: cjString,
    lastTrackNumber: cjString,
  },
  { name: "LOGISTIC params" },
);

const orderSplitParams = z.looseObject({
  originalOrderId: cjString,
  orderSplitTime: cjString,
  splitOrderList: cjList(
    z.looseObject({
      orderCode: cjString,
      createAt: cjString,
      orderStatus: cjString,
      productList: cjList(
        z.looseObject({
          productCode: cjString,
          vid: cjString,
          quantity: cjInt,
          sku: cjString,
          storeLineItemId: cjString,
        }),
      ),
    }),
  ),
});

const envelope = {
  // A string in CJ's samples, a number in some pushes: both identify the message.
  messageId: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
  openId: cjString,
};

export const cjOrderWebhookSchema = z.looseObject({
  ...envelope,
  type: z.literal("ORDER"),
  // "ORDER_CONNNECTED" is CJ's spelling (three Ns).
  messageType: z.enum(["INSERT", "UPDATE", "DELETE", "ORDER_CONNNECTED"]),
  params: orderParams,
});
export const cjLogisticWebhookSchema = z.looseObject({
  ...envelope,
  type: z.literal("LOGISTIC"),
  messageType: cjString,
  params: logisticParams,
});
export const cjOrderSplitWebhookSchema = z.looseObject({
  ...envelope,
  type: z.literal("ORDERSPLIT"),
  messageType: cjString,
  params: orderSplitParams,
});
/** PRODUCT, VARIANT, STOCK, MAKEUP, PRIVATE_ORDER: recognised, params kept as sent. */
export const cjOtherWebhookSchema = z.looseObject({
  ...envelope,
  type: z.enum(["PRODUCT", "VARIANT", "STOCK", "MAKEUP", "PRIVATE_ORDER"]),
  messageType: cjString,
  params: z.unknown(),
});

export const cjWebhookSchema = z.discriminatedUnion("type", [
  cjOrderWebhookSchema,
  cjLogisticWebhookSchema,
  cjOrderSplitWebhookSchema,
  cjOtherWebhookSchema,
]);
export type CjWebhook = z.output<typeof cjWebhookSchema>;
export type CjOrderWebhook = z.output<typeof cjOrderWebhookSchema>;
export type CjLogisticWebhook = z.output<typeof cjLogisticWebhookSchema>;
export type CjOrderSplitWebhook = z.output<typeof cjOrderSplitWebhookSchema>;

export class CjWebhookPayloadError extends Error {
  override readonly name = "CjWebhookPayloadError";
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Parses a webhook body (raw string/Buffer or already-parsed JSON); throws CjWebhookPayloadError when invalid. */
export function parseCjWebhook(raw: string | Buffer | unknown): CjWebhook {
  let json: unknown = raw;
  if (typeof raw === "string" || Buffer.isBuffer(raw)) {
    try {
      json = JSON.parse(raw.toString());
    } catch {
      throw new CjWebhookPayloadError("CJ webhook body is not JSON");
    }
  }
  const parsed = cjWebhookSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new CjWebhookPayloadError(
      `Invalid CJ webhook: ${issues.map((issue) => `${issue.path || "(body)"}: ${issue.message}`).join("; ")}`,
      issues,
    );
  }
  return parsed.data;
}

/** The ACK CJ expects within 3 s. */
export const CJ_WEBHOOK_ACK = { code: 200, result: "success", message: "success" } as const;
