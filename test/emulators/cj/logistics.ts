import Decimal from "decimal.js";
import { variantBySku } from "./catalog.js";
import { cjDateTime } from "./clock.js";
import type { EmulatorContext, Handler } from "./context.js";
import { failure, paramError } from "./envelope.js";
import { fails, judge, rulesFor, ruleTip } from "./rules.js";
import type { Order, RuleType } from "./state.js";
import { field, isRecord, validate } from "./validation.js";

/**
 * A small deterministic rate table standing in for CJ's logistics engine:
 * price = (base + perStep × ⌈grams / 100⌉) × destination factor, rounded to cents.
 */
export interface LogisticRate {
  name: string;
  model: string;
  aging: string;
  base: string;
  perStep: string;
  /** null = every destination */
  destinations: readonly string[] | null;
  trackingPrefix: string;
  lastMileCarrier: string;
}

export const RATE_TABLE: readonly LogisticRate[] = [
  {
    name: "CJPacket Ordinary",
    model: "CJPACKET",
    aging: "7-12",
    base: "2.50",
    perStep: "0.60",
    destinations: null,
    trackingPrefix: "CJPKL",
    lastMileCarrier: "USPS",
  },
  {
    name: "CJPacket Sensitive",
    model: "CJPACKETS",
    aging: "8-15",
    base: "3.10",
    perStep: "0.75",
    destinations: null,
    trackingPrefix: "CJPKS",
    lastMileCarrier: "CJPacket",
  },
  {
    name: "USPS+",
    model: "USPSPLUS",
    aging: "2-5",
    base: "3.90",
    perStep: "0.45",
    destinations: ["US"],
    trackingPrefix: "USPSP",
    lastMileCarrier: "USPS",
  },
  {
    name: "YunExpress",
    model: "YUNEXP",
    aging: "6-10",
    base: "2.90",
    perStep: "0.65",
    destinations: null,
    trackingPrefix: "YT",
    lastMileCarrier: "YunExpress",
  },
  {
    name: "DHL Official",
    model: "DHLOFF",
    aging: "3-7",
    base: "18.00",
    perStep: "2.20",
    destinations: null,
    trackingPrefix: "DHL",
    lastMileCarrier: "DHL",
  },
  {
    name: "PostNL",
    model: "POSTNL",
    aging: "10-15",
    base: "3.50",
    perStep: "0.70",
    destinations: null,
    trackingPrefix: "LS",
    lastMileCarrier: "PostNL",
  },
];

const CNY_PER_USD = new Decimal("6.48");
const COUNTRY_FACTOR: Record<string, string> = { US: "1", GB: "1.1", DE: "1.1", FR: "1.1", NL: "1.1", CA: "1.2" };

function factor(country: string): Decimal {
  return new Decimal(COUNTRY_FACTOR[country.toUpperCase()] ?? "1.3");
}

export function ratesFor(destination: string): LogisticRate[] {
  return RATE_TABLE.filter((r) => r.destinations === null || r.destinations.includes(destination.toUpperCase()));
}

export function rateByName(name: string): LogisticRate | undefined {
  return RATE_TABLE.find((r) => r.name.toLowerCase() === name.toLowerCase());
}

export function postage(rate: LogisticRate, destination: string, grams: number): Decimal {
  const steps = Math.max(1, Math.ceil(grams / 100));
  return new Decimal(rate.base)
    .plus(new Decimal(rate.perStep).times(steps))
    .times(factor(destination))
    .toDecimalPlaces(2);
}

function weightOfVids(ctx: EmulatorContext, lines: { vid: string; quantity: number }[]): number {
  let grams = 0;
  for (const line of lines) {
    const variant = ctx.state.variants.get(line.vid);
    if (!variant) throw failure(1602000);
    grams += variant.weight * line.quantity;
  }
  return grams;
}

const FREIGHT_FIELDS = [
  field("startCountryCode", "string", true, 200),
  field("endCountryCode", "string", true, 200),
  field("zip", "string", false, 200),
  field("products", "list", true),
];
const PRODUCT_FIELDS = [field("quantity", "int", true, 10), field("vid", "string", true, 200)];

function productLines(list: unknown): { vid: string; quantity: number }[] {
  return (list as unknown[]).map((item) => {
    const line = validate(item, PRODUCT_FIELDS);
    const quantity = Number(line.quantity);
    if (quantity < 1) throw paramError();
    return { vid: String(line.vid), quantity };
  });
}

export const freightCalculate: Handler = (ctx, req) => {
  const body = validate(req.body, FREIGHT_FIELDS);
  const grams = weightOfVids(ctx, productLines(body.products));
  const destination = String(body.endCountryCode);
  return {
    data: ratesFor(destination).map((rate) => {
      const price = postage(rate, destination, grams);
      return {
        logisticAging: rate.aging,
        logisticPrice: price.toNumber(),
        logisticPriceCn: price.times(CNY_PER_USD).toDecimalPlaces(2).toNumber(),
        logisticName: rate.name,
        taxesFee: 0,
        clearanceOperationFee: 0,
        totalPostageFee: price.toNumber(),
      };
    }),
  };
};

const TIP_FIELDS = [
  field("srcAreaCode", "string", true, 200),
  field("destAreaCode", "string", true, 200),
  field("zip", "string", false, 200),
  field("skuList", "list", true),
  field("freightTrialSkuList", "list", true),
  field("weight", "int", false, 100),
  field("wrapWeight", "int", false, 200),
  field("volume", "decimal", false, 200),
  field("phone", "string", false, 50),
  field("dutyNo", "string", false, 200),
  field("email", "string", false, 200),
  field("houseNumber", "string", false, 100),
  field("town", "string", false, 100),
];

/** The request value a rule of each type is judged on (destArea3Id: `town`, the request's third-level area). */
const TIP_VALUE: Record<RuleType, string> = {
  phone: "phone",
  dutyNo: "dutyNo",
  email: "email",
  zip: "zip",
  destArea3Id: "town",
  houseNumber: "houseNumber",
};

/**
 * The destination rules of one option (rules.ts): `ruleTipTypes` its types, `allRuleTips` every tip, `ruleTips` the
 * tips this request's own values fail (an absent value fails a strong rule only).
 */
function ruleAnswer(ctx: EmulatorContext, dto: Record<string, unknown>, destination: string, logisticName: string) {
  const rules = rulesFor(ctx.state.destinationRules, destination, logisticName);
  const value = (type: RuleType) => {
    const v = dto[TIP_VALUE[type]];
    return typeof v === "string" || typeof v === "number" ? String(v) : null;
  };
  return {
    ruleTipTypes: [...new Set(rules.map((r) => r.type))],
    allRuleTips: rules.map(ruleTip),
    ruleTips: rules.filter((r) => fails(r, judge(r, [value(r.type)]))).map(ruleTip),
  };
}

function area(code: string, countryId: string, enName: string, cnName: string) {
  return { cnName, countryId, enName, id: countryId, parentId: null, postCode: "", shortCode: code };
}

/**
 * freightCalculateTip. The seed table marks weight/wrapWeight/volume/productProp required, but its own sample
 * request omits weight and wrapWeight; we follow the sample (weight comes from the SKUs when not given).
 * Each option carries the destination rules (`ruleTipTypes`, `allRuleTips`, `ruleTips`) of rules.ts.
 */
export const freightCalculateTip: Handler = (ctx, req) => {
  if (!isRecord(req.body) || !Array.isArray(req.body.reqDTOS) || req.body.reqDTOS.length === 0) throw paramError();
  const answers: unknown[] = [];
  for (const item of req.body.reqDTOS) {
    const dto = validate(item, TIP_FIELDS);
    let grams = dto.weight !== undefined && dto.weight !== null && dto.weight !== "" ? Number(dto.weight) : 0;
    if (grams === 0) {
      for (const entry of dto.freightTrialSkuList as unknown[]) {
        if (!isRecord(entry)) throw paramError();
        const variant =
          typeof entry.vid === "string"
            ? ctx.state.variants.get(entry.vid)
            : typeof entry.sku === "string"
              ? variantBySku(ctx, entry.sku)
              : undefined;
        if (!variant) throw failure(1602000);
        grams += variant.weight * Number(entry.skuQuantity ?? 1);
      }
    }
    const destination = String(dto.destAreaCode);
    for (const rate of ratesFor(destination)) {
      const price = postage(rate, destination, grams);
      const cny = price.times(CNY_PER_USD).toDecimalPlaces(2);
      const optionId = `15648493387191992${String(RATE_TABLE.indexOf(rate)).padStart(2, "0")}`;
      const rules = ruleAnswer(ctx, dto, destination, rate.name);
      answers.push({
        arrivalTime: rate.aging,
        discountFee: price.toNumber(),
        discountFeeCNY: cny.toNumber(),
        volumeWeight: null,
        option: { arrivalTime: rate.aging, cnName: rate.name, enName: rate.name, id: optionId },
        ruleTips: rules.ruleTips,
        ruleTipTypes: rules.ruleTipTypes,
        channelId: `1564543005939785${String(RATE_TABLE.indexOf(rate)).padStart(3, "0")}`,
        error: "",
        errorEn: "",
        optionId,
        postage: price.toNumber(),
        postageCNY: cny.toNumber(),
        priceIncreases: "100",
        reSort: String(RATE_TABLE.indexOf(rate)),
        remoteFee: 0,
        remoteFeeCNY: 0,
        tip: "",
        uid: "",
        orderId: null,
        unWeightChargeTarget: null,
        floatMaxPrice: null,
        floatMinPrice: null,
        logisticsParamRespDTO: null,
        message: "",
        wrapPostage: price.toNumber(),
        wrapPostageCNY: cny.toNumber(),
        wrapWeight: 0,
        stopWords: [],
        channel: { cnName: rate.name, enName: rate.name, id: `channel-${rate.model}` },
        cjRespDTO: {
          postage: price.toFixed(2),
          postageCNY: cny.toFixed(2),
          remoteFee: "0.00",
          remoteFeeCNY: "0",
        },
        destArea: area(destination.toUpperCase(), "233", destination.toUpperCase(), destination.toUpperCase()),
        srcArea: area(String(dto.srcAreaCode).toUpperCase(), "48", "China", "中国"),
        dump: false,
        zonePrice: [],
        allRuleTips: rules.allRuleTips,
        taxesFee: null,
        clearanceOperationFee: null,
        totalPostageFee: price.toNumber(),
      });
    }
  }
  return { data: answers };
};

const PARTNER_FIELDS = [
  field("orderNumber", "string", true, 40),
  field("shippingCountryCode", "string", true, 200),
  field("shippingCountry", "string", true, 200),
  field("shippingProvince", "string", true, 200),
  field("shippingCity", "string", true, 200),
  field("shippingAddress", "string", false, 200),
  field("shippingCustomerName", "string", false, 200),
  field("shippingZip", "string", true, 200),
  field("shippingPhone", "string", false, 200),
  field("houseNumber", "string", false, 20),
  field("remark", "string", false, 500),
  field("logisticName", "string", false, 200),
  field("fromCountryCode", "string", true, 200),
  field("email", "string", false, 200),
  field("consigneeID", "string", false, 200),
  field("iossType", "int", false, 20),
  field("iossNumber", "string", false, 20),
  field("products", "list", true, 200),
];

export const partnerFreightCalculate: Handler = (ctx, req) => {
  const body = validate(req.body, PARTNER_FIELDS);
  const grams = weightOfVids(ctx, productLines(body.products));
  const destination = String(body.shippingCountryCode);
  const wanted = typeof body.logisticName === "string" && body.logisticName !== "" ? body.logisticName : null;
  const rates = ratesFor(destination).filter((r) => wanted === null || r.name.toLowerCase() === wanted.toLowerCase());
  return {
    data: rates.map((rate) => ({
      postageAmount: postage(rate, destination, grams).toNumber(),
      logisticsModel: rate.model,
      logisticsName: rate.name,
      arrivalTime: rate.aging,
      isSupportIoss: false,
      iossList: [{ iossNumber: "", iossType: "", serviceAmount: "", taxAmount: "" }],
    })),
  };
};

export const getSupplierLogisticsTemplate: Handler = (ctx, req) => {
  const body = validate(req.body, [field("skuList", "list", true, 200)]);
  const skus = (body.skuList as unknown[]).map(String);
  const grams = skus.reduce((sum, sku) => sum + (variantBySku(ctx, sku)?.weight ?? 100), 0);
  return {
    data: [
      {
        skuList: skus,
        logisticsInfoList: RATE_TABLE.map((rate, index) => ({
          id: String(1000 + index),
          logisticsName: rate.name,
          postage: postage(rate, "US", grams).toFixed(2),
          startCountryCode: "CN",
          destCountryCode: "US",
        })),
      },
    ],
  };
};

/** `trackingStatus` numbers of the LOGISTIC webhook (cj-api-facts.md) and the words trackInfo answers. */
export const TRACKING_STATUS_TEXT: Record<number, string> = {
  0: "No information",
  1: "Warehouse outbound",
  2: "Forwarder inbound",
  3: "Forwarder return",
  4: "Forwarder outbound",
  5: "First-leg transport",
  6: "Arrived in destination country",
  7: "Customs clearance started",
  8: "Customs cleared",
  9: "Terminal pickup",
  10: "Out for delivery",
  11: "Awaiting pickup",
  12: "Delivered",
  13: "Exception",
  14: "Returned",
};

function trackInfoStatus(status: number): string {
  if (status === 0) return "No information";
  if (status === 12) return "Delivered";
  if (status === 13) return "Exception";
  if (status === 14) return "Returned";
  return "In transit";
}

/** GET trackInfo?trackNumber=a&trackNumber=b: one entry per known number (unknown ones are left out). */
export const trackInfo: Handler = (ctx, req) => {
  const numbers = req.query
    .getAll("trackNumber")
    .flatMap((n) => n.split(","))
    .map((n) => n.trim());
  if (numbers.length === 0 || numbers.some((n) => n === "" || n.length > 200)) throw paramError();
  const account = req.account;
  const orders = ctx.state.orders.filter((o) => o.accountId === account?.id && o.tracking !== null);
  const data: unknown[] = [];
  for (const number of new Set(numbers)) {
    const order: Order | undefined = orders.find((o) => o.tracking?.trackNumber === number);
    const tracking = order?.tracking;
    if (!order || !tracking) continue;
    const end = tracking.deliveredAt ?? ctx.clock.now();
    const lastEvent = tracking.events.at(-1);
    data.push({
      trackingNumber: tracking.trackNumber,
      logisticName: tracking.logisticName,
      trackingFrom: order.fromCountryCode,
      trackingTo: order.shippingCountryCode,
      deliveryDay: String(Math.max(0, Math.floor((end - tracking.shippedAt) / 86_400_000))),
      deliveryTime: tracking.deliveredAt !== null ? cjDateTime(tracking.deliveredAt) : (lastEvent?.eventTime ?? ""),
      trackingStatus: trackInfoStatus(tracking.trackingStatus),
      lastMileCarrier: tracking.lastMileCarrier,
      lastTrackNumber: tracking.lastTrackNumber,
    });
  }
  return { data };
};
