/**
 * Shopify order → CJ createOrderV2 request (orderFlow=2: the store's own SKUs). Every field stays inside CJ's
 * documented limits (seed 002 §1.1). A value that does not fit is never cut in a way that changes the address: it
 * becomes a problem that holds the order with a reason the merchant can act on. Optional, non-address fields that
 * are too long (email, note, image URL) are left out or shortened and the change is reported as a warning.
 */
import { createHash } from "node:crypto";
import type { CjCreateOrderV2Request } from "../cj/requests";
import type { ShopifyOrderForForwarding } from "../shopify/orders";
import { type CustomsOverride, customsValues, extractHouseNumber } from "./customs";
import { checkDestinationRules, type DestinationRules, requiresHouseNumber } from "./destination-rules";
import type { LineDecision } from "./lines";
import { type UsdConversion, usdConversionFor } from "./usd";

export interface MappingSettings {
  storeName: string | null;
  fromCountryCode: string;
  sendOrderNote: boolean;
  sandbox: boolean;
  iossType: number | null;
  iossNumber: string | null;
  /** 1 = pay page (cjPayUrl), 2 = balance, 3 = create only. */
  payType: 1 | 2 | 3;
}

export interface MappingResult {
  request: CjCreateOrderV2Request | null;
  problems: string[];
  warnings: string[];
  /** What was done with the order's data, for the timeline (amount conversion, customs source). */
  notes: string[];
}

/** EU member states: orders to them may carry IOSS (seed 002 §1.1 iossType). */
export const EU_COUNTRIES = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
);

/** CJ's createOrderV2 limits used below (seed 002 §1.1). */
export const CJ_LIMITS = {
  orderNumber: 50,
  shippingCustomerName: 50,
  shippingAddress: 200,
  shippingAddress2: 200,
  shippingCity: 50,
  shippingProvince: 50,
  shippingCountry: 50,
  shippingZip: 20,
  shippingPhone: 20,
  email: 50,
  remark: 500,
  storeName: 50,
  sku: 50,
  storeProductId: 64,
  storeProductImg: 500,
  storeLineItemId: 125,
  products: 20,
  iossNumber: 10,
  taxId: 20,
  consigneeID: 20,
  houseNumber: 20,
} as const;

export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

/**
 * The store's part of every CJ order number the app makes (8 hex digits of the domain's SHA-256): unique enough per
 * store, and it routes a shared CJ account's pushes to the store (webhook-intake.server.ts).
 */
export function cjShopTag(shopDomain: string): string {
  return createHash("sha256").update(shopDomain).digest("hex").slice(0, 8);
}

/**
 * Our CJ orderNumber: deterministic from the shop and the order, unique per shop, ≤ 50 characters, so a lost
 * createOrderV2 answer can be looked up with getOrderDetail?orderId=<orderNumber> before any retry.
 */
export function cjOrderNumberFor(shopDomain: string, orderGid: string, revision = 0): string {
  const shopTag = cjShopTag(shopDomain);
  // A replacement of a CJ order the merchant had to fix (intercepted, cancelled by CJ) gets a number of its own.
  return `S${shopTag}-${legacyId(orderGid)}${revision > 0 ? `-R${revision}` : ""}`;
}

/** Keeps a leading + and the digits: "+1 (555) 010-2000" → "+15550102000". */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  // An extension ("ext. 12", "x12", "#12") is not part of the number a courier dials.
  const trimmed = phone.trim().replace(/\s*(?:ext\.?|extension|x|#)\s*\d+$/i, "");
  const digits = trimmed.replace(/[^\d]/g, "");
  if (!digits) return null;
  return trimmed.startsWith("+") ? `+${digits}` : digits;
}

/**
 * Length as CJ counts it. CJ's API is Java, whose String.length() counts UTF-16 units: a character outside the BMP
 * (𠮷, emoji) counts twice. The stricter count never lets through a value CJ would refuse.
 */
const chars = (s: string) => s.length;

export function mapShopifyOrderToCjOrder(input: {
  shopDomain: string;
  order: ShopifyOrderForForwarding;
  lines: LineDecision[];
  logisticName: string;
  settings: MappingSettings;
  /**
   * CJ variant ids the shop has mapped (connections), by Shopify line item GID. A line with a vid is sent by vid
   * alone; seed 002 §1.1: "If both are provided, they must refer to the same variant", and a store SKU renamed
   * since the connection was made would make CJ refuse the order.
   */
  vids?: ReadonlyMap<string, string>;
  /** Replacements of the CJ order so far (Order.cjOrderRevision): part of the orderNumber. */
  revision?: number;
  /** How amounts become US dollars (usd.ts); by default only USD amounts are sent. */
  usd?: UsdConversion;
  /** Customs values the merchant entered on the order page. */
  customsOverride?: CustomsOverride | null;
  /** CJ's required fields for the destination and this shipping method (null: not known, not checked). */
  rules?: DestinationRules | null;
}): MappingResult {
  const { order, settings } = input;
  const problems: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  const address = order.shippingAddress;
  if (!address) {
    return { request: null, problems: ["The order has no shipping address: add one in Shopify."], warnings, notes };
  }
  const usd = input.usd ?? usdConversionFor(order.totalPriceSet, []);
  notes.push(usd.note);

  const within = (label: string, value: string | null | undefined, max: number, opts: { required?: boolean } = {}) => {
    const v = (value ?? "").trim();
    if (!v) {
      if (opts.required) problems.push(`${label} is missing: add it to the shipping address in Shopify.`);
      return undefined;
    }
    if (chars(v) > max) {
      problems.push(
        `${label} is ${chars(v)} characters; CJ accepts at most ${max}. Shorten it in Shopify (the app never cuts an address).`,
      );
      return undefined;
    }
    return v;
  };

  const name =
    (address.name ?? "").trim() || [address.firstName, address.lastName].filter(Boolean).join(" ").trim() || null;
  const countryCode = (address.countryCodeV2 ?? "").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(countryCode)) problems.push("The shipping country is missing: add it in Shopify.");
  const city = within("City", address.city, CJ_LIMITS.shippingCity, { required: true });
  // CJ requires a province; countries without provinces (e.g. Singapore, many in Europe) use the city instead.
  const provinceValue =
    (address.province ?? "").trim() || (address.provinceCode ?? "").trim() || (address.city ?? "").trim();
  const province = within("Province / state", provinceValue, CJ_LIMITS.shippingProvince, { required: true });
  const phone = normalisePhone(address.phone ?? order.phone ?? order.customer?.defaultPhoneNumber?.phoneNumber);
  if (phone && phone.length > CJ_LIMITS.shippingPhone) {
    problems.push(
      `Phone number has ${phone.length} digits; CJ accepts at most ${CJ_LIMITS.shippingPhone}. Correct it in Shopify.`,
    );
  }
  let email = order.email ?? order.customer?.defaultEmailAddress?.emailAddress ?? undefined;
  if (email && chars(email) > CJ_LIMITS.email) {
    warnings.push(`Email is longer than CJ's ${CJ_LIMITS.email} characters and was not sent.`);
    email = undefined;
  }
  let remark: string | undefined;
  if (settings.sendOrderNote && order.note?.trim()) {
    remark = order.note.trim();
    if (chars(remark) > CJ_LIMITS.remark) {
      // Cut in UTF-16 units (CJ's count) without splitting a surrogate pair, then mark the cut.
      let head = remark.slice(0, CJ_LIMITS.remark - 1);
      if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
      remark = `${head}…`;
      warnings.push(`The order note is longer than CJ's ${CJ_LIMITS.remark} characters; only its beginning was sent.`);
    }
  }

  const lines = input.lines.filter((l) => l.skipReason === null);
  if (lines.length === 0) problems.push("No line of this order ships through CJ; nothing can be forwarded.");
  if (lines.length > CJ_LIMITS.products) {
    problems.push(
      `CJ accepts at most ${CJ_LIMITS.products} lines per order; this order has ${lines.length}. Split it in Shopify.`,
    );
  }
  const products = lines.map((d, i) => {
    const label = `Line ${i + 1} (${d.line.name})`;
    if (!d.sku) problems.push(`${label} has no SKU: add the SKU in Shopify and connect the product in CJ.`);
    else if (chars(d.sku) > CJ_LIMITS.sku)
      problems.push(`${label}: SKU is longer than CJ's ${CJ_LIMITS.sku} characters.`);
    const image = d.line.image?.url;
    if (image && chars(image) > CJ_LIMITS.storeProductImg)
      warnings.push(`${label}: image URL too long for CJ; not sent.`);
    const unitPrice = usd.convert(d.line.originalUnitPriceSet);
    const vid = input.vids?.get(d.line.id);
    return {
      ...(vid ? { vid } : { sku: d.sku ?? "" }),
      quantity: d.quantity,
      storeLineItemId: legacyId(d.line.id),
      ...(d.line.product ? { storeProductId: legacyId(d.line.product.id) } : {}),
      ...(image && chars(image) <= CJ_LIMITS.storeProductImg ? { storeProductImg: image } : {}),
      ...(unitPrice ? { unitPrice } : {}),
    };
  });

  const eu = EU_COUNTRIES.has(countryCode);
  let ioss: Pick<CjCreateOrderV2Request, "iossType" | "iossNumber"> = {};
  if (eu && settings.iossType) {
    if (settings.iossType === 2) {
      const number = (settings.iossNumber ?? "").trim();
      if (!number) problems.push("IOSS is set to your own number but no IOSS number is saved: add it in Settings.");
      else if (chars(number) > CJ_LIMITS.iossNumber) {
        problems.push(
          `The IOSS number is longer than CJ's documented ${CJ_LIMITS.iossNumber} characters: check it in Settings.`,
        );
      } else ioss = { iossType: 2, iossNumber: number };
    } else if (settings.iossType === 3) ioss = { iossType: 3, iossNumber: "CJ-IOSS" };
    else ioss = { iossType: 1 };
  }

  const request: CjCreateOrderV2Request = {
    orderNumber: cjOrderNumberFor(input.shopDomain, order.id, input.revision ?? 0),
    shippingCountryCode: countryCode,
    shippingCountry: within("Country", address.country, CJ_LIMITS.shippingCountry, { required: true }) ?? "",
    shippingProvince: province ?? "",
    shippingCity: city ?? "",
    shippingCustomerName: within("Recipient name", name, CJ_LIMITS.shippingCustomerName, { required: true }) ?? "",
    shippingAddress: within("Address line 1", address.address1, CJ_LIMITS.shippingAddress, { required: true }) ?? "",
    logisticName: input.logisticName,
    fromCountryCode: settings.fromCountryCode,
    platform: "shopify",
    orderFlow: 2,
    payType: settings.payType,
    storeOrderTime: Math.floor(Date.parse(order.createdAt) / 1000),
    products,
    ...ioss,
  };
  const address2 = within("Address line 2", address.address2, CJ_LIMITS.shippingAddress2);
  if (address2) request.shippingAddress2 = address2;
  const zip = within("Postal code", address.zip, CJ_LIMITS.shippingZip);
  if (zip) request.shippingZip = zip;
  if (phone && phone.length <= CJ_LIMITS.shippingPhone) request.shippingPhone = phone;
  if (email) request.email = email;
  if (remark) request.remark = remark;
  if (settings.storeName) request.storeName = settings.storeName.slice(0, CJ_LIMITS.storeName);
  if (settings.sandbox) request.isSandbox = 1;
  const shopAmount = usd.convert(order.totalPriceSet);
  if (shopAmount) request.shopAmount = shopAmount;

  // Customs: the credential of the destination country, and the house number where CJ's rules ask for it.
  const customs = customsValues(countryCode, order.localizedFields?.nodes ?? [], input.customsOverride ?? null);
  const credential = (label: string, value: string | null, max: number) => {
    if (!value) return undefined;
    if (chars(value) > max) {
      problems.push(
        `${label} has ${chars(value)} characters; CJ accepts at most ${max}. Correct it on the order page.`,
      );
      return undefined;
    }
    return value;
  };
  const taxId = credential("The tax ID", customs.taxId, CJ_LIMITS.taxId);
  const consigneeID = credential("The consignee ID", customs.consigneeID, CJ_LIMITS.consigneeID);
  if (taxId) request.taxId = taxId;
  if (consigneeID) request.consigneeID = consigneeID;
  if (customs.source && (taxId || consigneeID)) notes.push(`Customs ID sent to CJ (${customs.source}).`);
  const houseNumber =
    input.customsOverride?.houseNumber?.trim() ||
    (requiresHouseNumber(input.rules ?? null) ? extractHouseNumber(address.address1) : null);
  if (houseNumber) {
    const value = credential("The house number", houseNumber, CJ_LIMITS.houseNumber);
    if (value) request.houseNumber = value;
  }
  if (input.rules) {
    const check = checkDestinationRules(request, input.rules);
    problems.push(...check.problems);
    warnings.push(...check.warnings);
  }

  return problems.length > 0 ? { request: null, problems, warnings, notes } : { request, problems, warnings, notes };
}
