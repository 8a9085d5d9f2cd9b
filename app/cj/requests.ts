/**
 * Request schemas derived from the seed field tables (002 Shopping, 001/003 Logistics): required fields, maximum
 * lengths and types. A request CJ would answer with "Param error" (1600100) is refused locally with a
 * CjRequestValidationError naming the field, and never sent. createOrderV2 follows its table field by field;
 * the other endpoints check their required fields, types and the lengths of their tables.
 */
import { z } from "zod";
import { CjRequestValidationError, type CjValidationIssue } from "./errors";

const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "required" : `must be ${expected}`;

/** Required string: present, not blank, at most `max` characters. */
const required = (max?: number) => {
  const base = z.string({ error: typeError("a string") }).refine((value) => value.trim() !== "", "required");
  return max === undefined ? base : base.refine((value) => value.length <= max, `at most ${max} characters`);
};

/** Optional string of at most `max` characters. */
const optional = (max?: number) => {
  const base = z.string({ error: typeError("a string") });
  return (max === undefined ? base : base.max(max, `at most ${max} characters`)).optional();
};

/** Two-letter country code; the tables give length 20 but the note says "Use a two-letter country code". */
const countryCode = (max: number) =>
  required(max).refine((value) => /^[A-Za-z]{2}$/.test(value), "must be a two-letter country code");

const integer = z.number({ error: typeError("an integer") }).int("must be an integer");
const positiveInteger = integer.positive("must be at least 1");
const oneOf = <const T extends readonly [number, ...number[]]>(values: T) =>
  integer.refine(
    (value) => (values as readonly number[]).includes(value),
    `must be one of ${values.join(", ")}`,
  ) as unknown as z.ZodType<T[number]>;

/** BigDecimal field: a decimal number or numeric string of at most `max` characters (never float arithmetic here). */
const decimal = (max: number) =>
  z
    .union([z.number(), z.string()], { error: typeError("a decimal") })
    .refine((value) => /^\d+(\.\d+)?$/.test(String(value)), "must be a non-negative decimal")
    .refine((value) => String(value).length <= max, `at most ${max} characters`);

const stringList = (itemMax: number, maxItems?: number) => {
  const list = z.array(required(itemMax), { error: typeError("a list") }).min(1, "at least one item");
  return maxItems === undefined ? list : list.max(maxItems, `at most ${maxItems} items`);
};

// ---------------------------------------------------------------------------------------------------------------
// Authentication

export const getAccessTokenRequest = z.object({ apiKey: required() });
export const refreshAccessTokenRequest = z.object({ refreshToken: required() });

// ---------------------------------------------------------------------------------------------------------------
// 002 §1.1 Create Order V2: every row of the table.

const createOrderProduct = z
  .object({
    vid: optional(50),
    sku: optional(50),
    storeProductId: optional(64),
    storeProductImg: optional(500),
    quantity: positiveInteger,
    unitPrice: decimal(20).optional(),
    storeLineItemId: optional(125),
    podProperties: optional(500),
  })
  // "vid and sku cannot both be null" (§1.1 products table).
  .superRefine((product, ctx) => {
    if (!product.vid && !product.sku) ctx.addIssue({ code: "custom", path: ["vid"], message: "vid or sku required" });
  });

const createOrderFields = {
  orderNumber: required(50),
  shippingZip: optional(20),
  shippingCountryCode: countryCode(20),
  shippingCountry: required(50),
  shippingProvince: required(50),
  shippingCity: required(50),
  shippingCounty: optional(50),
  shippingPhone: optional(20),
  shippingCustomerName: required(50),
  shippingAddress: required(200),
  shippingAddress2: optional(200),
  houseNumber: optional(20),
  // The seed's row has lost its name ("| | string | N | 50 |") between houseNumber and taxId; the curl sample
  // shows it is `email`.
  email: optional(50),
  taxId: optional(20),
  remark: optional(500),
  consigneeID: optional(20),
  isSandbox: oneOf([0, 1]).optional(),
  shopAmount: decimal(20).optional(),
  logisticName: required(50),
  fromCountryCode: countryCode(20),
  platform: optional(20),
  shopLogisticsType: oneOf([1, 2, 3]).optional(),
  storageId: optional(40),
  iossType: oneOf([1, 2, 3]).optional(),
  iossNumber: optional(10),
  storeName: optional(50),
  /** Seconds since the epoch ("Timestamp in seconds"). */
  storeOrderTime: integer.nonnegative("must not be negative").optional(),
  orderFlow: oneOf([1, 2]).optional(),
  // "products | List | Y | 20": at most 20 lines per order.
  products: z
    .array(createOrderProduct, { error: typeError("a list") })
    .min(1, "at least one item")
    .max(20, "at most 20 items"),
};

const storageIdForPlatformLogistics = (
  order: { shopLogisticsType?: number | undefined; storageId?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  // §1.2: shopLogisticsType=1 is "Platform Logistics (storageId specified by you, required)".
  if (order.shopLogisticsType === 1 && !order.storageId) {
    ctx.addIssue({ code: "custom", path: ["storageId"], message: "required when shopLogisticsType=1" });
  }
};

export const createOrderV2Request = z
  .object({ ...createOrderFields, payType: oneOf([1, 2, 3]).optional() })
  .superRefine(storageIdForPlatformLogistics);
export type CjCreateOrderV2Request = z.input<typeof createOrderV2Request>;

/** 002 §1.2: the V2 table without payType. */
export const createOrderV3Request = z.object(createOrderFields).superRefine(storageIdForPlatformLogistics);
export type CjCreateOrderV3Request = z.input<typeof createOrderV3Request>;

export const cjOrderIdListRequest = z.object({ cjOrderIdList: stringList(200) });
export const shipmentOrderIdRequest = z.object({ shipmentOrderId: required(200) });

export const CJ_ORDER_STATUSES = [
  "CREATED",
  "IN_CART",
  "UNPAID",
  "UNSHIPPED",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
  "OTHER",
] as const;
export type CjOrderStatus = (typeof CJ_ORDER_STATUSES)[number];

/** 002 §1.6 (query string; `orderIds` repeated, ≤ 100 per cj-api-facts). */
export const orderListRequest = z.object({
  pageNum: positiveInteger.optional(),
  pageSize: positiveInteger.optional(),
  orderIds: z.array(required(100)).max(100, "at most 100 items").optional(),
  shipmentOrderId: optional(100),
  status: z.enum(CJ_ORDER_STATUSES, { error: `must be one of ${CJ_ORDER_STATUSES.join(", ")}` }).optional(),
});
export type CjOrderListRequest = z.input<typeof orderListRequest>;

/** 002 §1.7: `orderId` is a CJ order id or our own orderNumber; `features` repeated, at most 20. */
export const orderDetailRequest = z.object({
  orderId: required(200),
  features: z.array(required()).max(20, "at most 20 items").optional(),
});
export type CjOrderDetailRequest = z.input<typeof orderDetailRequest>;

export const orderIdRequest = z.object({ orderId: required(200) });
export const changeWarehouseRequest = z.object({ orderCode: required(200), storageId: required(200) });

/** 002 §1.11: "At least one of orderId or shipmentOrderId is required". */
export const simulatePayRequest = z
  .object({ orderId: optional(200), shipmentOrderId: optional(200) })
  .refine((body) => Boolean(body.orderId || body.shipmentOrderId), {
    path: ["orderId"],
    message: "orderId or shipmentOrderId required",
  });

/** 002 §1.12: "Optional: 400(unshipped), 500(shipped), 600(completed), 700(closed)". */
export const sandboxUpdateStatusRequest = z.object({
  orderId: required(200),
  targetStatus: oneOf([400, 500, 600, 700]),
});

// ---------------------------------------------------------------------------------------------------------------
// 002 §2 payment

export const payBalanceRequest = z.object({ orderId: required(200) });

/** 002 §2.3 and §7.9: orderType 9 = private inventory, 24 = makeup bill (payId then required). */
export const payBalanceV2Request = z
  .object({ shipmentOrderId: required(200), payId: optional(200), orderType: oneOf([9, 24]).optional() })
  .refine((body) => body.orderType !== 24 || Boolean(body.payId), {
    path: ["payId"],
    message: "required when orderType=24",
  });
export type CjPayBalanceV2Request = z.input<typeof payBalanceV2Request>;

// ---------------------------------------------------------------------------------------------------------------
// 002 §3 shipping info

export const waybillInfoRequest = z.object({
  orderId: required(200),
  cjOrderId: required(200),
  cjShippingCompanyName: required(200),
  trackNumber: required(200),
});

export const podPicturesEditRequest = z.object({
  podPicturesEditParams: z
    .array(
      z.object({
        orderCode: required(200),
        lineItemId: required(200),
        effectImgList: stringList(2000),
        productionImgList: stringList(2000),
      }),
    )
    .min(1, "at least one item"),
});
export type CjPodPicturesEditRequest = z.input<typeof podPicturesEditRequest>;

// ---------------------------------------------------------------------------------------------------------------
// 002 §4 COGS, §5 merge orders

export const cogsRequest = z.object({ orderCodesList: stringList(200) });

/** 002 §5.1: orderStatus 100 = complete-order page, 101 = shopping cart page. */
export const autoMatchMergeRequest = z.object({
  filterOrder: z.boolean({ error: typeError("a boolean") }),
  orderStatus: oneOf([100, 101]),
});

/** 002 §5.4: the body is a JSON array of groups. */
export const submitMergeBatchRequest = z
  .array(
    z.object({
      logisticName: required(50),
      orderCodeList: stringList(200),
      orderNumber: required(50),
      orderStatus: oneOf([100, 101]),
      packType: oneOf([0, 1]),
    }),
  )
  .min(1, "at least one item");
export type CjSubmitMergeBatchRequest = z.input<typeof submitMergeBatchRequest>;

// ---------------------------------------------------------------------------------------------------------------
// 002 §6 address book

const addressFields = {
  firstName: required(100),
  lastName: required(100),
  country: required(100),
  countryCode: countryCode(10),
  province: required(100),
  city: required(100),
  address: required(200),
  addressNew: optional(200),
  zip: optional(30),
  phone: optional(30),
  mail: optional(100),
  isDefault: z.enum(["0", "1"], { error: "must be 0 or 1" }).optional(),
  countyTown: optional(100),
  consigneeId: optional(100),
};
export const createAddressRequest = z.object(addressFields);
export type CjCreateAddressRequest = z.input<typeof createAddressRequest>;
export const updateAddressRequest = z.object({ id: required(100), ...addressFields });
export type CjUpdateAddressRequest = z.input<typeof updateAddressRequest>;

// ---------------------------------------------------------------------------------------------------------------
// 002 §7 private inventory

const quantity = positiveInteger;
const variantInfoList = z.array(z.object({ id: required(200), quantity })).min(1, "at least one item");
const confirmationVariants = z
  .array(z.object({ variantId: required(200), productId: required(200), quantity }))
  .min(1, "at least one item");

export const privateAddToCartRequest = z.object({
  productId: required(200),
  variants: z
    .array(z.object({ variantId: required(200), quantity: quantity.max(100000, "at most 100000") }))
    .min(1, "at least one item"),
});
export const privateGetCartRequest = z.object({
  pageNum: positiveInteger.optional(),
  pageSize: positiveInteger.optional(),
  isAll: oneOf([0, 1]).optional(),
});
export const privateRemoveFromCartRequest = z.object({ variantIds: stringList(200) });
export const privateConfirmationRequest = z.object({ variants: confirmationVariants.optional() });
export const privateLogisticsRequest = z.object({ storageId: required(200), variantInfoList });
export const privateCostInfoRequest = z.object({
  storageId: required(200),
  variantInfoList,
  logisticName: optional(200),
});
export const privateConfirmationWithCostRequest = z.object({
  storageId: optional(200),
  logisticName: optional(200),
  variants: confirmationVariants.optional(),
});
export const privateCreateOrderRequest = z.object({
  productList: z
    .array(
      z.object({
        variantId: required(200),
        productId: required(200),
        sku: required(200),
        quantity,
        price: decimal(21).optional(),
      }),
    )
    .min(1, "at least one item"),
  logisticName: required(200),
  storageId: required(200),
  payType: oneOf([1, 2]).optional(),
});
export type CjPrivateCreateOrderRequest = z.input<typeof privateCreateOrderRequest>;
export const privateOrderListRequest = z.object({
  pageNum: positiveInteger.optional(),
  pageSize: positiveInteger.max(200, "at most 200").optional(),
  orderContent: optional(100),
  orderStatus: optional(50),
  payStatus: oneOf([0, 1]).optional(),
  createOrderDateStart: integer.optional(),
  createOrderDateEnd: integer.optional(),
  isAmountDifference: oneOf([0, 1]).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// 002 §8 private inventory outbound

export const outboundProductQueryRequest = z
  .object({ storageId: required(), skuOrSpu: optional(), privateOrderId: optional(), orderId: optional() })
  .refine((body) => Boolean(body.skuOrSpu || body.privateOrderId), {
    path: ["skuOrSpu"],
    message: "skuOrSpu or privateOrderId required",
  });
export const outboundBatchRefreshRequest = z.object({
  storageId: required(),
  orderId: optional(),
  products: z
    .array(z.object({ privateOrderId: required(), stanProductId: required(), price: decimal(21).optional() }))
    .min(1, "at least one item"),
});
export const outboundCreateRequest = z
  .object({
    orderId: optional(),
    orderNumber: required(),
    storageId: required(),
    platform: optional(),
    storeName: optional(),
    postagePayNode: oneOf([4, 5, 6]),
    reason: optional(),
    reasonEn: optional(),
    address: z.object({
      customerName: required(),
      shippingAddress: required(),
      shippingAddress2: optional(),
      city: required(),
      province: optional(),
      town: optional(),
      countryCode: countryCode(10),
      country: optional(),
      zipCode: optional(),
      phone: optional(),
      email: optional(),
      taxId: optional(),
      consigneeId: optional(),
    }),
    productList: z
      .array(
        z.object({
          id: optional(),
          uid: optional(),
          sku: required(),
          stanProductId: required(),
          price: decimal(21).optional(),
          privateOrderId: required(),
          quantity,
        }),
      )
      .min(1, "at least one item"),
    submit: z.boolean().optional(),
  })
  // §8.5: reason is "Required when postagePayNode=6".
  .refine((body) => body.postagePayNode !== 6 || Boolean(body.reason), {
    path: ["reason"],
    message: "required when postagePayNode=6",
  });
export type CjOutboundCreateRequest = z.input<typeof outboundCreateRequest>;
export const outboundOrderIdRequest = z.object({ orderId: required() });
export const outboundCancelRequest = z.object({ orderId: required(), reason: optional() });

// ---------------------------------------------------------------------------------------------------------------
// 002 §9 makeup

export const makeupListRequest = z.object({
  pageNum: positiveInteger.optional(),
  pageSize: positiveInteger.max(200, "at most 200").optional(),
  type: oneOf([0, 1]).optional(),
  diffUseType: oneOf([0, 1, 2, 3]).optional(),
});
export const makeupCreatePayOrderRequest = z
  .object({ orderCodes: stringList(200), type: oneOf([0, 1]).optional(), diffUseType: oneOf([0, 1, 2, 3]).optional() })
  .refine((body) => body.type !== 1 || (body.diffUseType !== undefined && body.diffUseType !== 0), {
    path: ["diffUseType"],
    message: "required when type=1 (1, 2 or 3)",
  });

// ---------------------------------------------------------------------------------------------------------------
// Logistics (001 / 003)

/** 001 §1.1. */
export const freightCalculateRequest = z.object({
  startCountryCode: required(200),
  endCountryCode: required(200),
  zip: optional(200),
  taxId: optional(200),
  houseNumber: optional(200),
  iossNumber: optional(200),
  products: z.array(z.object({ quantity, vid: required(200) })).min(1, "at least one item"),
});
export type CjFreightCalculateRequest = z.input<typeof freightCalculateRequest>;

/**
 * 001 §1.2. The table marks wrapWeight and weight as required but CJ's own curl sample omits them, and gives
 * productProp as `String` while the sample sends `["COMMON"]`: both readings are accepted.
 */
export const freightCalculateTipRequest = z.object({
  reqDTOS: z
    .array(
      z.object({
        srcAreaCode: required(200),
        destAreaCode: required(200),
        customerCode: optional(200),
        zip: optional(200),
        houseNumber: optional(100),
        iossNumber: optional(200),
        storageIdList: z.array(required(100)).optional(),
        recipientAddress: optional(200),
        city: optional(50),
        recipientName: optional(200),
        skuList: stringList(200),
        town: optional(100),
        phone: optional(50),
        wrapWeight: z.number().nonnegative().optional(),
        volume: z.union([z.number(), z.string()], { error: typeError("a decimal") }),
        station: optional(200),
        platforms: z.array(required(200)).optional(),
        dutyNo: optional(200),
        email: optional(100),
        province: optional(100),
        recipientAddress1: optional(200),
        uid: optional(200),
        recipientId: optional(200),
        recipientAddress2: optional(200),
        amount: decimal(50).optional(),
        productTypes: z.array(z.string()).optional(),
        weight: z.number().nonnegative().optional(),
        productProp: z.union([required(100), z.array(required(100)).min(1, "at least one item")], {
          error: typeError("a string or list"),
        }),
        optionName: optional(200),
        volumeWeight: decimal(100).optional(),
        orderType: optional(100),
        totalGoodsAmount: decimal(100).optional(),
        length: z.number().nonnegative().optional(),
        width: z.number().nonnegative().optional(),
        height: z.number().nonnegative().optional(),
        freightTrialSkuList: z
          .array(
            z.object({
              productCode: optional(100),
              sku: optional(100),
              productPropList: z.array(z.string()).optional(),
              productTypeList: z.array(z.string()).optional(),
              vid: optional(100),
              skuQuantity: integer.optional(),
              skuWeight: decimal(100).optional(),
              skuVolume: decimal(100).optional(),
              combinationType: integer.optional(),
              parentVid: optional(50),
              unsalable: integer.optional(),
              tailCostQuantity: integer.optional(),
              privateDeductionQuantity: integer.optional(),
            }),
          )
          .min(1, "at least one item"),
      }),
    )
    .min(1, "at least one item"),
});
export type CjFreightCalculateTipRequest = z.input<typeof freightCalculateTipRequest>;

/** 001 §1.3. */
export const partnerFreightCalculateRequest = z.object({
  orderNumber: required(40),
  shippingCountryCode: required(200),
  shippingCountry: required(200),
  shippingProvince: required(200),
  shippingCity: required(200),
  shippingAddress: optional(200),
  shippingCustomerName: optional(200),
  shippingZip: required(200),
  shippingPhone: optional(200),
  houseNumber: optional(20),
  remark: optional(500),
  logisticName: optional(200),
  fromCountryCode: required(200),
  email: optional(200),
  consigneeID: optional(200),
  iossType: oneOf([1, 2, 3]).optional(),
  iossNumber: optional(20),
  products: z
    .array(z.object({ vid: required(200), quantity }))
    .min(1, "at least one item")
    .max(200, "at most 200 items"),
});
export type CjPartnerFreightCalculateRequest = z.input<typeof partnerFreightCalculateRequest>;

/** 001 §1.4 (the curl sample sends `"skuList": ""`; the table says String[]). */
export const supplierLogisticsTemplateRequest = z.object({ skuList: stringList(200) });

/** 001 §2.1: several `trackNumber` keys per call. */
export const trackInfoRequest = z.object({ trackNumber: stringList(200) });

// ---------------------------------------------------------------------------------------------------------------
// Account and links (cj-api-facts)

export const variantQueryRequest = z
  .object({ pid: optional(), productSku: optional(), variantSku: optional(), countryCode: optional() })
  .refine((query) => Boolean(query.pid || query.productSku || query.variantSku), {
    path: ["variantSku"],
    message: "pid, productSku or variantSku required",
  });
export type CjVariantQueryRequest = z.input<typeof variantQueryRequest>;
export const variantByVidRequest = z.object({ vid: required() });

export const connectionListRequest = z.object({
  platformProductId: optional(),
  platformVariantId: optional(),
  pageNum: positiveInteger.optional(),
  pageSize: positiveInteger.optional(),
});
export const connectionCreateRequest = z.object({
  cjProductId: required(),
  platformProductId: required(),
  variantList: z
    .array(z.object({ cjVariantId: required(), platformVariantId: required(), sku: optional(200) }))
    .min(1, "at least one item"),
  shopId: optional(),
});
export type CjConnectionCreateRequest = z.input<typeof connectionCreateRequest>;
export const connectionDeleteRequest = z.object({
  platformProductId: required(),
  platformVariantId: optional(),
  shopId: optional(),
});

const webhookTopic = z
  .object({
    type: z.enum(["ENABLE", "CANCEL"], { error: "must be ENABLE or CANCEL" }),
    callbackUrls: z
      .array(z.string().refine((url) => url.startsWith("https://"), "must be an https:// URL"))
      .max(1, "at most 1 items"),
  })
  .refine((topic) => topic.type === "CANCEL" || topic.callbackUrls.length === 1, {
    path: ["callbackUrls"],
    message: "one URL required when type=ENABLE",
  });
/** `POST /webhook/set`: HTTPS only, one URL per topic (cj-api-facts "Webhooks"). */
export const webhookSetRequest = z.object({
  order: webhookTopic.optional(),
  logistics: webhookTopic.optional(),
  product: webhookTopic.optional(),
  stock: webhookTopic.optional(),
});
export type CjWebhookSetRequest = z.input<typeof webhookSetRequest>;

// ---------------------------------------------------------------------------------------------------------------

/** Validates `input` against `schema`; throws CjRequestValidationError (naming each field and rule) otherwise. */
export function validateCjRequest<S extends z.ZodType>(endpoint: string, schema: S, input: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues: CjValidationIssue[] = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    rule: issue.message,
  }));
  throw new CjRequestValidationError(endpoint, issues);
}
