/**
 * Schemas of the `data` field of every CJ answer, built from the seed field tables (002 Shopping, 001/003 Logistics)
 * and cj-api-facts.md. Objects are loose (CJ adds fields without notice); every field is optional and tolerant
 * (see schemas.ts), so a missing field reads as `null` or `[]` instead of failing the whole answer.
 */
import { z } from "zod";
import {
  cjBoolean,
  cjFlag,
  cjInt,
  cjJsonObject,
  cjList,
  cjListEach,
  cjMoney,
  cjNumber,
  cjObject,
  cjString,
  cjStringList,
  tolerantObject,
} from "./schemas";

const looseRecord = z.record(z.string(), z.unknown());

/** CJ dates arrive as ISO strings with a +08:00 offset (cj-api-facts "Authentication"). */
const cjDate = z.string().transform((value, ctx) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a date: ${value}` });
    return z.NEVER;
  }
  return date;
});

// ---------------------------------------------------------------------------------------------------------------
// Authentication (cj-api-facts "Authentication")

export const accessTokenSchema = z.looseObject({
  openId: cjString,
  accessToken: z.string().min(1),
  accessTokenExpiryDate: cjDate,
  refreshToken: z.string().min(1),
  refreshTokenExpiryDate: cjDate,
  createDate: cjString,
});
export type CjAccessTokenData = z.output<typeof accessTokenSchema>;

export const anyDataSchema = z.unknown();

// ---------------------------------------------------------------------------------------------------------------
// Shopping §1 orders

const productInfoSchema = tolerantObject(
  {
    storeLineItemId: cjString,
    lineItemId: cjString,
    variantId: cjString,
    quantity: cjInt,
    isGroup: cjBoolean,
    subOrderProducts: cjList(
      tolerantObject(
        { lineItemId: cjString, variantId: cjString, quantity: cjInt },
        { name: "createOrder.productInfoList.subOrderProducts" },
      ),
    ),
  },
  { name: "createOrder.productInfoList" },
);

const interceptReason = tolerantObject(
  { code: cjInt, message: cjString },
  { name: "createOrder.interceptOrderReasons" },
);

/**
 * `interceptOrderReasons` (002 §1.1): a list of {code, message}. In any other shape that is not empty (a JSON
 * string, one object, a text) CJ still says the order is held, so it reads as a reason, never as "none".
 */
const interceptReasons = z
  .unknown()
  .optional()
  .transform((value): unknown[] => {
    if (value === null || value === undefined || value === "") return [];
    let list: unknown = value;
    if (typeof value === "string") {
      try {
        list = JSON.parse(value);
      } catch {
        return [{ code: null, message: value.slice(0, 200) }];
      }
    }
    if (Array.isArray(list)) return list;
    if (list && typeof list === "object") return [list];
    return [{ code: null, message: String(list).slice(0, 200) }];
  })
  .pipe(
    z.array(
      z.unknown().transform((item) => {
        const parsed = interceptReason.safeParse(item);
        return parsed.success
          ? parsed.data
          : { code: null, message: "CJ reported an intercept in a form the app could not read" };
      }),
    ),
  );

/**
 * 002 §1.1 / §1.2 "data information". Only `orderId` must be readable (it decides between "created" and "waiting for
 * product connection"); any other odd field is read as empty.
 */
export const createOrderSchema = tolerantObject(
  {
    orderId: cjString,
    orderNumber: cjString,
    shipmentOrderId: cjString,
    iossAmount: cjMoney,
    iossTaxHandlingFee: cjMoney,
    postageAmount: cjMoney,
    productAmount: cjMoney,
    productOriginalAmount: cjMoney,
    productDiscountAmount: cjMoney,
    postageDiscountAmount: cjMoney,
    postageOriginalAmount: cjMoney,
    totalDiscountAmount: cjMoney,
    actualPayment: cjMoney,
    orderOriginalAmount: cjMoney,
    cjPayUrl: cjString,
    orderAmount: cjMoney,
    logisticsMiss: cjBoolean,
    orderStatus: cjString,
    productInfoList: cjList(productInfoSchema),
    interceptOrderReasons: interceptReasons,
  },
  { name: "createOrder", required: ["orderId"] },
);
export type CjCreateOrderResult = z.output<typeof createOrderSchema>;

/** 002 §1.3. */
export const addCartSchema = tolerantObject(
  {
    successCount: cjInt,
    addSuccessOrders: cjStringList,
    unInterceptAddressCount: cjInt,
    interceptOrders: cjList(z.unknown()),
  },
  { name: "addCart" },
);

/** 002 §1.4. */
export const addCartConfirmSchema = tolerantObject(
  {
    successCount: cjInt,
    submitSuccess: cjBoolean,
    shipmentsId: cjString,
    result: cjInt,
    interceptOrders: cjList(z.unknown()),
  },
  { name: "addCartConfirm", required: ["shipmentsId"] },
);

/** 002 §1.5. */
export const saveGenerateParentOrderSchema = z.looseObject({
  orderMoney: cjMoney,
  payExpireTime: cjString,
  payId: cjString,
  result: cjInt,
  submitSuccess: cjBoolean,
  unMatchOrderCodes: cjStringList,
  successOrders: cjStringList,
  unMatchProductCodes: cjStringList,
  paymentInformation: cjObject(
    z.looseObject({
      actualPayment: cjMoney,
      balanceDeduction: cjMoney,
      billAmount: cjMoney,
      canDeduct: cjBoolean,
      commodityDiscount: cjMoney,
      commodityTotalAmount: cjMoney,
      couponAmount: cjMoney,
      freight: cjMoney,
      iossAmount: cjMoney,
      iossNumber: cjString,
      iossTaxHandlingFee: cjMoney,
      iossTaxes: cjMoney,
      iossType: cjInt,
      orderOriginalAmount: cjMoney,
      orderProductAmount: cjMoney,
      payableAmount: cjMoney,
      postageDiscount: cjMoney,
      serviceFee: cjMoney,
    }),
  ),
  interceptOrders: cjList(z.unknown()),
});

const orderProductSchema = tolerantObject(
  {
    vid: cjString,
    quantity: cjInt,
    sellPrice: cjMoney,
    storeLineItemId: cjString,
    lineItemId: cjString,
    productionOrderStatus: cjInt,
    abnormalType: cjList(cjInt),
    podPropertiesInfo: cjJsonObject(looseRecord),
  },
  { name: "order.productList" },
);

const orderFields = {
  orderId: cjString,
  orderNum: cjString,
  cjOrderId: cjString,
  shippingCountryCode: cjString,
  shippingProvince: cjString,
  shippingCity: cjString,
  shippingAddress: cjString,
  shippingCustomerName: cjString,
  shippingPhone: cjString,
  remark: cjString,
  logisticName: cjString,
  trackNumber: cjString,
  trackingUrl: cjString,
  orderWeight: cjNumber,
  orderAmount: cjMoney,
  productAmount: cjMoney,
  postageAmount: cjMoney,
  orderStatus: cjString,
  createDate: cjString,
  paymentDate: cjString,
  storeCreateDate: cjString,
  isSandbox: cjFlag,
  privateOutboundOrder: cjBoolean,
  storageId: cjString,
  storageName: cjString,
};

/** 002 §1.6 list item. */
export const orderListItemSchema = tolerantObject(
  { ...orderFields, productList: cjList(orderProductSchema) },
  { name: "order/list item", required: ["orderId"] },
);

/** 002 §1.6. */
export const orderListSchema = z.looseObject({
  pageNum: cjInt,
  pageSize: cjInt,
  total: cjInt,
  list: cjListEach(orderListItemSchema, "order/list item"),
});
export type CjOrderList = z.output<typeof orderListSchema>;

/** 002 §1.7. */
export const orderDetailSchema = tolerantObject(
  {
    ...orderFields,
    platformOrderId: cjString,
    cjOrderCode: cjString,
    fromCountryCode: cjString,
    disputeId: cjString,
    outWarehouseTime: cjString,
    isComplete: cjInt,
    productList: cjList(orderProductSchema),
    logisticsTimeliness: cjObject(
      z.looseObject({
        logisticsModes: cjList(z.looseObject({ logisticsName: cjString, arrivalTime: cjString })),
      }),
    ),
  },
  { name: "getOrderDetail", required: ["orderId"] },
);
export type CjOrderDetail = z.output<typeof orderDetailSchema>;

/** 002 §1.8, §1.9: the order id. */
export const orderIdDataSchema = cjString;
/** 002 §1.10–§1.12, §3.1, §3.2: a boolean result. */
export const booleanDataSchema = cjBoolean;

// ---------------------------------------------------------------------------------------------------------------
// Shopping §2 payment

/** 002 §2.1. */
export const balanceSchema = z.looseObject({ amount: cjMoney, noWithdrawalAmount: cjMoney, freezeAmount: cjMoney });
export type CjBalance = z.output<typeof balanceSchema>;

/** 002 §2.2, §2.3 (`null`) and §7.9 (the paid order number). */
export const payResultSchema = cjString;

// ---------------------------------------------------------------------------------------------------------------
// Shopping §3 shipping info

/** 002 §3.3. */
export const podPicturesEditSchema = z.looseObject({
  list: cjList(z.looseObject({ orderCode: cjString, lineItemId: cjString, result: cjInt, failedMessage: cjString })),
});

// ---------------------------------------------------------------------------------------------------------------
// Shopping §4 COGS

/**
 * 002 §4.1. `cogsBasicDataOrderInfoJson` uses one- and two-letter keys (a = shipmentsOrderId, f = postage, …; see
 * the CogsBasicDataOrderInfoJson table); kept as CJ sends it, with the documented money keys normalised.
 */
export const cogsSchema = cjList(
  z.looseObject({
    orderCode: cjString,
    originalOrderCode: cjString,
    paymentDate: cjString,
    userId: cjString,
    cogsBasicDataOrderInfoJson: cjObject(
      z.looseObject({
        a: cjString,
        s: cjString,
        d: cjInt,
        f: cjMoney,
        g: cjMoney,
        h: cjMoney,
        j: cjString,
        ii: cjString,
        pp: cjString,
      }),
    ),
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Shopping §5 merge orders

const mergeLogisticsSchema = z.looseObject({
  logisticsName: cjString,
  postage: cjMoney,
  arrivalTime: cjString,
  isChecked: cjBoolean,
  basePostage: cjMoney,
  packPrice: cjMoney,
  remoteAmount: cjMoney,
});

/** 002 §5.1 and §5.3. */
export const mergeOrderGroupsSchema = cjList(
  z.looseObject({
    haveMoreShopOrder: cjBoolean,
    mergeShopOrderVOList: cjList(
      z.looseObject({
        city: cjString,
        country: cjString,
        countryCode: cjString,
        customerName: cjString,
        phone: cjString,
        shippingAddress: cjString,
        logisticsInfoList: cjList(mergeLogisticsSchema),
        mergeOrderInfoList: cjList(
          z.looseObject({ orderCode: cjString, orderNumber: cjString, platform: cjString, shopName: cjString }),
        ),
      }),
    ),
  }),
);

/** 002 §5.2 and §5.5. */
export const mergeProgressSchema = z.looseObject({
  noTask: cjBoolean,
  step: cjInt,
  stepCount: cjList(cjInt),
  stepPercent: cjInt,
});

/** 002 §5.4 and §5.6. */
export const mergeSubmitResultSchema = z.looseObject({
  failGroupCount: cjInt,
  failOrderCount: cjInt,
  mergeFailOrderGroupList: cjList(z.looseObject({ errorCode: cjInt, orderCodes: cjStringList })),
  newOrderCodeList: cjStringList,
  successGroupCount: cjInt,
  successOrderCount: cjInt,
});

// ---------------------------------------------------------------------------------------------------------------
// Shopping §6 address book and §8.2 outbound addresses

export const addressSchema = z.looseObject({
  id: cjString,
  name: cjString,
  firstName: cjString,
  lastName: cjString,
  country: cjString,
  countryCode: cjString,
  province: cjString,
  city: cjString,
  countyTown: cjString,
  address: cjString,
  addressNew: cjString,
  zip: cjString,
  phone: cjString,
  mail: cjString,
  isDefault: cjString,
  consigneeId: cjString,
});
export const addressListSchema = cjList(addressSchema);

// ---------------------------------------------------------------------------------------------------------------
// Shopping §7 private inventory (tables list fields only; the answers carry more, kept by the loose objects)

const storehouseSchema = z.looseObject({
  storageId: cjString,
  displayName: cjString,
  countryCode: cjString,
  areaId: cjInt,
  addresses: cjString,
  address: cjString,
  zipCode: cjString,
  selected: cjBoolean,
});

const availableLogisticSchema = z.looseObject({
  logisticName: cjString,
  displayName: cjString,
  logisticCode: cjString,
  shippingCost: cjMoney,
  estimateDays: cjString,
  freightIndex: cjInt,
  selected: cjBoolean,
});

/** 002 §7.1: "Some environments may return a boolean directly". */
export const privateAddToCartSchema = z.union([
  z.boolean(),
  z.looseObject({ success: cjBoolean, addedCount: cjInt }),
  z.null(),
]);

/** 002 §7.2. */
export const privateCartSchema = z.looseObject({
  productList: cjList(
    z.looseObject({
      productId: cjString,
      productName: cjString,
      productImage: cjString,
      variants: cjList(
        z.looseObject({
          id: cjString,
          variantId: cjString,
          sku: cjString,
          quantity: cjInt,
          count: cjInt,
          price: cjMoney,
        }),
      ),
    }),
  ),
  invalidProductList: cjList(z.unknown()),
  totalAmount: cjMoney,
  selectVariantCount: cjInt,
  currencyInfo: cjObject(looseRecord),
});

/** 002 §7.3: "Usually returns a boolean. If an object is returned, the API passes it through." */
export const privateRemoveFromCartSchema = z.unknown();

/** 002 §7.4. */
export const privateConfirmationSchema = z.looseObject({
  orders: cjList(looseRecord),
  availableStorehouseList: cjList(storehouseSchema),
  selectedStorageId: cjString,
  selectedStorehouse: cjObject(storehouseSchema),
  totalProductPrice: cjMoney,
  currencyInfo: cjObject(looseRecord),
});

/** 002 §7.5. */
export const privateLogisticsSchema = z.looseObject({
  storageId: cjString,
  availableLogisticList: cjList(availableLogisticSchema),
  selectedLogisticName: cjString,
  logisticInfoMessage: cjString,
});

/** 002 §7.6: "Field name depends on the cost result". */
export const privateCostInfoSchema = z.looseObject({
  freightAmount: cjMoney,
  logisticsCost: cjMoney,
  shippingCost: cjMoney,
  warehouseFee: cjMoney,
  storehouseCost: cjMoney,
  serviceFee: cjMoney,
  freightTrialList: cjList(
    z.looseObject({ logisticName: cjString, enName: cjString, shippingCost: cjMoney, selected: cjBoolean }),
  ),
  costDetails: cjList(z.unknown()),
  errorEnList: cjList(z.unknown()),
  errorSuggestionList: cjList(z.unknown()),
});

/** 002 §7.7. */
export const privateConfirmationWithCostSchema = z.looseObject({
  confirmation: cjObject(looseRecord),
  availableStorehouseList: cjList(storehouseSchema),
  selectedStorageId: cjString,
  selectedStorehouse: cjObject(storehouseSchema),
  costInfo: cjObject(privateCostInfoSchema),
  amountDetail: cjObject(
    z.looseObject({
      productAmountList: cjList(
        z.looseObject({
          variantId: cjString,
          productId: cjString,
          sku: cjString,
          quantity: cjInt,
          unitPrice: cjMoney,
          productAmount: cjMoney,
        }),
      ),
      productAmount: cjMoney,
      serviceFee: cjMoney,
      requestedLogisticName: cjString,
      selectedFreight: cjObject(looseRecord),
      shippingCost: cjMoney,
      totalAmount: cjMoney,
      totalAmountCalculated: cjBoolean,
      missingAmountItems: cjList(z.unknown()),
    }),
  ),
  costInfoMessage: cjString,
});

/** 002 §7.8. */
export const privateCreateOrderSchema = z.looseObject({
  orderId: cjString,
  orderCode: cjString,
  payId: cjString,
  cjPayUrl: cjString,
  price: cjMoney,
  riskInterceptOrderList: cjList(z.unknown()),
  checkPlaceOrderInfo: cjObject(z.looseObject({ confirmStatus: cjBoolean, productInfoVOList: cjList(looseRecord) })),
  availableLogisticList: cjList(availableLogisticSchema),
  requestedLogisticName: cjString,
});

/** 002 §7.10. Money fields of the long order table are normalised; the rest passes through. */
export const privateOrderListSchema = z.looseObject({
  pageSize: cjInt,
  pageNumber: cjInt,
  totalRecords: cjInt,
  totalPages: cjInt,
  content: cjList(
    z.looseObject({
      orderCode: cjString,
      status: cjString,
      statusDesc: cjString,
      storageId: cjString,
      logisticName: cjString,
      postage: cjMoney,
      trackingNumber: cjString,
      cjTrackingNumber: cjString,
      createDate: cjString,
      paymentDate: cjString,
      orderAmount: cjMoney,
      amount: cjMoney,
      serviceFee: cjMoney,
      orderQuantity: cjInt,
      supplierList: cjList(looseRecord),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------------
// Shopping §8 private inventory outbound

/** 002 §8.3. */
export const outboundProductsSchema = cjList(
  z.looseObject({
    id: cjString,
    uid: cjString,
    productId: cjString,
    spu: cjString,
    sku: cjString,
    stanProductId: cjString,
    productName: cjString,
    productImg: cjString,
    price: cjMoney,
    privateOrderId: cjString,
    availableQuantity: cjInt,
    lockQuantity: cjInt,
  }),
);

/** 002 §8.4. */
export const outboundRefreshSchema = cjList(
  z.looseObject({ privateOrderId: cjString, stanProductId: cjString, uid: cjString, availableQuantity: cjInt }),
);

/** 002 §8.5. */
export const outboundCreateSchema = z.looseObject({
  orderId: cjString,
  createTaskStarted: cjBoolean,
  submitRequested: cjBoolean,
  nextAction: cjString,
});

const lockFailSchema = z.looseObject({
  sku: cjString,
  privateOrderId: cjString,
  quantity: cjInt,
  lockQuantity: cjInt,
});

/** 002 §8.6 (and the data of the §8.7 lock-failure answer). */
export const outboundProgressSchema = z.looseObject({
  orderId: cjString,
  progress: cjNumber,
  createProgress: cjNumber,
  createStatus: cjString,
  nextAction: cjString,
  lockFails: cjList(lockFailSchema),
  submitStatus: cjString,
  paymentStatus: cjString,
});

/** 002 §8.7. */
export const outboundSubmitSchema = z.looseObject({
  orderId: cjString,
  submitAccepted: cjBoolean,
  nextAction: cjString,
  createStatus: cjString,
  lockFails: cjList(lockFailSchema),
});

/** 002 §8.8. */
export const outboundDetailSchema = z.looseObject({
  orderId: cjString,
  orderNumber: cjString,
  storageId: cjString,
  platform: cjString,
  storeName: cjString,
  postagePayNode: cjInt,
  address: cjObject(looseRecord),
  productList: cjList(looseRecord),
  orderStatus: cjString,
  submitStatus: cjString,
});

/** 002 §8.9: "Some OMS versions may return a boolean or raw downstream object". */
export const outboundCancelSchema = z.union([
  z.looseObject({ orderId: cjString, cancelled: cjBoolean }),
  z.boolean(),
  z.string(),
  z.null(),
]);

// ---------------------------------------------------------------------------------------------------------------
// Shopping §9 makeup

/** 002 §9.2. */
export const makeupListSchema = z.looseObject({
  type: cjInt,
  totalAmount: cjMoney,
  unPaymentCountList: cjList(z.looseObject({ type: cjInt, count: cjInt })),
  pageData: cjObject(
    z.looseObject({
      pageSize: cjInt,
      pageNumber: cjInt,
      totalRecords: cjInt,
      totalPages: cjInt,
      content: cjList(
        z.looseObject({
          orderCode: cjString,
          cjOrderCode: cjString,
          status: cjInt,
          amount: cjMoney,
          reason: cjString,
          orderType: cjInt,
          diffUseType: cjInt,
          createAt: cjNumber,
        }),
      ),
    }),
  ),
});

/** 002 §9.3. */
export const makeupPayOrderSchema = z.looseObject({
  payOrderCode: cjString,
  payId: cjString,
  amount: cjMoney,
  cjPayUrl: cjString,
  paymentPagePath: cjString,
});

// ---------------------------------------------------------------------------------------------------------------
// Logistics (001 / 003)

/** 001 §1.1. */
export const freightCalculateSchema = cjList(
  z.looseObject({
    logisticAging: cjString,
    logisticPrice: cjMoney,
    logisticPriceCn: cjMoney,
    logisticName: cjString,
    taxesFee: cjMoney,
    clearanceOperationFee: cjMoney,
    totalPostageFee: cjMoney,
  }),
);
export type CjFreightQuote = z.output<typeof freightCalculateSchema>[number];

const ruleTipSchema = z.looseObject({
  expression: cjString,
  interceptType: cjString,
  max: cjString,
  min: cjString,
  msgCode: cjString,
  msgEn: cjString,
  type: cjString,
});
const areaSchema = z.looseObject({
  cnName: cjString,
  enName: cjString,
  countryId: cjString,
  parentId: cjString,
  postCode: cjString,
  shortCode: cjString,
  id: cjString,
});
const namedSchema = z.looseObject({ cnName: cjString, enName: cjString, id: cjString, arrivalTime: cjString });

/** 001 §1.2. */
export const freightCalculateTipSchema = cjList(
  z.looseObject({
    arrivalTime: cjString,
    discountFee: cjMoney,
    discountFeeCNY: cjMoney,
    volumeWeight: cjMoney,
    channelId: cjString,
    error: cjString,
    errorEn: cjString,
    optionId: cjString,
    postage: cjMoney,
    postageCNY: cjMoney,
    priceIncreases: cjString,
    reSort: cjString,
    remoteFee: cjMoney,
    remoteFeeCNY: cjMoney,
    tip: cjString,
    uid: cjString,
    orderId: cjString,
    unWeightChargeTarget: cjMoney,
    floatMaxPrice: cjMoney,
    floatMinPrice: cjMoney,
    logisticsParamRespDTO: z.unknown(),
    message: cjString,
    wrapPostage: cjMoney,
    wrapPostageCNY: cjMoney,
    wrapWeight: cjNumber,
    stopWords: cjStringList,
    channel: cjObject(namedSchema),
    option: cjObject(namedSchema),
    cjRespDTO: cjObject(
      z.looseObject({ postage: cjMoney, postageCNY: cjMoney, remoteFee: cjMoney, remoteFeeCNY: cjMoney }),
    ),
    destArea: cjObject(areaSchema),
    srcArea: cjObject(areaSchema),
    dump: cjBoolean,
    zonePrice: cjList(z.unknown()),
    ruleTips: cjList(ruleTipSchema),
    ruleTipTypes: cjStringList,
    allRuleTips: cjList(ruleTipSchema),
    taxesFee: cjMoney,
    clearanceOperationFee: cjMoney,
    totalPostageFee: cjMoney,
  }),
);

/** 001 §1.3. */
export const partnerFreightCalculateSchema = cjList(
  z.looseObject({
    postageAmount: cjMoney,
    logisticsModel: cjString,
    logisticsName: cjString,
    arrivalTime: cjString,
    isSupportIoss: cjBoolean,
    iossList: cjList(
      z.looseObject({ iossNumber: cjString, iossType: cjString, serviceAmount: cjMoney, taxAmount: cjMoney }),
    ),
  }),
);

/** 001 §1.4. */
export const supplierLogisticsTemplateSchema = cjList(
  z.looseObject({
    skuList: cjStringList,
    logisticsInfoList: cjList(
      z.looseObject({
        id: cjString,
        logisticsName: cjString,
        postage: cjMoney,
        startCountryCode: cjString,
        destCountryCode: cjString,
      }),
    ),
  }),
);

/** 001 §2.1. */
export const trackInfoSchema = cjList(
  z.looseObject({
    trackingNumber: cjString,
    logisticName: cjString,
    trackingFrom: cjString,
    trackingTo: cjString,
    deliveryDay: cjString,
    deliveryTime: cjString,
    trackingStatus: cjString,
    lastMileCarrier: cjString,
    lastTrackNumber: cjString,
  }),
);
export type CjTrackInfo = z.output<typeof trackInfoSchema>[number];

// ---------------------------------------------------------------------------------------------------------------
// Account and links (cj-api-facts: setting/get, shop/getShops, product/variant/query, product/conn/connection)

/** `GET /setting/get`: qpsLimit under `setting` (CJ's settings page). */
export const settingSchema = z.looseObject({
  openId: cjString,
  openName: cjString,
  openEmail: cjString,
  setting: cjObject(
    z.looseObject({
      quotaLimits: cjList(z.looseObject({ quotaUrl: cjString, quotaLimit: cjInt, quotaType: cjInt })),
      qpsLimit: cjInt,
    }),
  ),
  callback: cjObject(looseRecord),
  root: cjString,
  isSandbox: cjBoolean,
});
export type CjSetting = z.output<typeof settingSchema>;

/** `GET /shop/getShops`: the fields are not documented in the seeds; the common ones are typed. */
export const shopsSchema = cjList(
  z.looseObject({ shopId: cjString, shopName: cjString, storeName: cjString, platform: cjString, shopUrl: cjString }),
);

export const variantSchema = z.looseObject({
  vid: cjString,
  pid: cjString,
  variantName: cjString,
  variantNameEn: cjString,
  variantSku: cjString,
  variantUnit: cjString,
  variantKey: cjString,
  variantImage: cjString,
  variantLength: cjNumber,
  variantWidth: cjNumber,
  variantHeight: cjNumber,
  variantVolume: cjNumber,
  variantWeight: cjNumber,
  variantSellPrice: cjMoney,
  variantSugSellPrice: cjMoney,
  createTime: cjString,
});
export type CjVariant = z.output<typeof variantSchema>;
/** `GET /product/variant/query`: a list. */
export const variantListSchema = cjList(variantSchema);
/** `GET /product/variant/queryByVid`: one variant or `null`. */
export const variantByVidSchema = cjObject(variantSchema);

/** `GET /product/conn/connection`: page or list of connections; shape not in the seeds, kept loose. */
export const connectionsSchema = z.unknown();
