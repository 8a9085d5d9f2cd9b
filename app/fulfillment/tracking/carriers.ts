/**
 * CJ logistic names and last-mile carriers → the company names Shopify knows. Shopify builds tracking links and
 * shipment statuses only for companies spelled exactly as in its list (the `FulfillmentTrackingInfo.company`
 * description of the Admin schema, shopify-admin-2026-10.graphql); CJ's own lines (CJPacket, Yanwen, …) are not in
 * it, so they keep CJ's name and always carry an explicit tracking URL.
 */

/** Normalised CJ name → Shopify's exact company name. Keys: lower case, letters and digits only. */
const SHOPIFY_COMPANY_BY_KEY: Record<string, string> = {
  usps: "USPS",
  // CJ's "USPS+" line hands over to USPS for the last mile and carries a USPS number.
  uspsplus: "USPS",
  uspspriority: "USPS",
  uspsfirstclass: "USPS",
  ups: "UPS",
  upsground: "UPS",
  fedex: "FedEx",
  fedexground: "FedEx",
  // "DHL" alone is in Shopify's list for German shops only; DHL Express is the international name.
  dhl: "DHL Express",
  dhlofficial: "DHL Express",
  dhlexpress: "DHL Express",
  dhlecommerce: "DHL eCommerce",
  dhlecommerceasia: "DHL eCommerce Asia",
  dhlglobalmail: "DHL eCommerce",
  yunexpress: "YunExpress",
  yuntu: "YunExpress",
  "4px": "4PX",
  chinapost: "China Post",
  chinapostregisteredairmail: "China Post",
  chinapostordinarysmallpacketplus: "China Post",
  epacket: "China Post",
  chinaems: "China Post",
  sf: "SF Express",
  sfexpress: "SF Express",
  sfc: "SFC Fulfillment",
  sfcfulfillment: "SFC Fulfillment",
  anjun: "Anjun Logistics",
  anjunlogistics: "Anjun Logistics",
  yifan: "YiFan Express",
  yifanexpress: "YiFan Express",
  chukou1: "Chukou1",
  ck1: "Chukou1",
  postnl: "PostNL",
  royalmail: "Royal Mail",
  canadapost: "Canada Post",
  australiapost: "Australia Post",
  deutschepost: "Deutsche Post",
  laposte: "La Poste Colissimo",
  colissimo: "Colissimo",
  correos: "Correos",
  correios: "Correios",
  posteitaliane: "Poste Italiane",
  japanpost: "Japan Post (EN)",
  singaporepost: "Singapore Post",
  swisspost: "Swiss Post",
  newzealandpost: "New Zealand Post",
  bpost: "BPost",
  gls: "GLS",
  dpd: "DPD",
  tnt: "TNT",
  evri: "Evri",
  hermesuk: "Evri",
  ontrac: "OnTrac",
  lasership: "Lasership",
  asendia: "Asendia USA",
  asendiausa: "Asendia USA",
  sendle: "Sendle",
  purolator: "Purolator",
  ninjavan: "NinjaVan",
  postnordse: "PostNord SE",
  postnord: "Portal PostNord",
  ctt: "CTT",
  israelpost: "Israel Post",
};

/** Brand prefixes for CJ line names that add a service level ("YunExpress Standard", "4PX Singapore Line"). */
const BRAND_PREFIXES = ["yunexpress", "4px", "usps", "fedex", "dhlecommerce", "chinapost", "sfexpress", "postnl"];

function keyOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/\+/g, "plus")
    .replace(/[^a-z0-9]/g, "");
}

/** Shopify's company name for a CJ logistic name or last-mile carrier, or null when Shopify does not know it. */
export function shopifyCompanyFor(cjName: string | null | undefined): string | null {
  if (!cjName) return null;
  const key = keyOf(cjName);
  if (!key) return null;
  const exact = SHOPIFY_COMPANY_BY_KEY[key];
  if (exact) return exact;
  const plain = key.replace(/plus$/, "");
  if (SHOPIFY_COMPANY_BY_KEY[plain]) return SHOPIFY_COMPANY_BY_KEY[plain] ?? null;
  const brand = BRAND_PREFIXES.find((prefix) => key.startsWith(prefix));
  return brand ? (SHOPIFY_COMPANY_BY_KEY[brand] ?? null) : null;
}

/** CJ's own tracking page for its lines (the URL CJ itself puts in `trackingUrl` for CJPacket). */
export const CJPACKET_TRACKING_URL = "https://www.cjpacket.com/?trackingNumber=";
/** 17TRACK's universal page: it recognises the carrier from the number, for every other line. */
export const SEVENTEEN_TRACK_URL = "https://t.17track.net/en#nums=";

export interface ShopifyTracking {
  company: string;
  number: string;
  url: string;
}

/**
 * What a Shopify fulfillment shows for one CJ shipment.
 * - The company is Shopify's name when the carrier is in its list, else CJ's name as is (or "Other").
 * - The URL is always explicit: CJ's `trackingUrl` when it is for this number, else CJPacket's page for CJ lines
 *   and 17TRACK's page for everything else. Shopify's built links only work for numbers in the carrier's own format,
 *   and CJ-line numbers often are not; an explicit URL also changes with the number, so it shows when the
 *   fulfillment needs a tracking update.
 * - Once CJ reports the last-mile carrier and number, the fulfillment shows those instead.
 */
export function trackingForShipment(input: {
  trackingNumber: string;
  logisticName?: string | null;
  trackingUrl?: string | null;
  lastMileCarrier?: string | null;
  lastTrackNumber?: string | null;
}): ShopifyTracking {
  const lastMile =
    input.lastTrackNumber && input.lastTrackNumber !== input.trackingNumber && input.lastMileCarrier
      ? { carrier: input.lastMileCarrier, number: input.lastTrackNumber }
      : null;
  if (lastMile) {
    const company = shopifyCompanyFor(lastMile.carrier) ?? lastMile.carrier;
    return { company, number: lastMile.number, url: fallbackUrl(lastMile.carrier, lastMile.number) };
  }
  const name = input.logisticName?.trim() || "Other";
  const company = shopifyCompanyFor(name) ?? name;
  const cjUrl = input.trackingUrl?.trim();
  const url = cjUrl?.includes(input.trackingNumber) ? cjUrl : fallbackUrl(name, input.trackingNumber);
  return { company, number: input.trackingNumber, url };
}

function fallbackUrl(carrier: string, number: string): string {
  const encoded = encodeURIComponent(number);
  return keyOf(carrier).startsWith("cj") ? `${CJPACKET_TRACKING_URL}${encoded}` : `${SEVENTEEN_TRACK_URL}${encoded}`;
}
