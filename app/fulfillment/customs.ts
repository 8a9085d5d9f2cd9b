/**
 * Customs credentials for CJ (docs/cj-order-fields.md "Customs credentials"). Shopify collects them at checkout as
 * `Order.localizedFields` (SHIPPING_CREDENTIAL_<country>, TAX_CREDENTIAL_<country>); CJ takes `taxId` (20) and
 * `consigneeID` (20), and `houseNumber` (20) where a destination's carriers need the number apart from the street.
 * Which of them a destination and shipping method require is CJ's word (`ruleTipTypes`, destination-rules.server.ts);
 * this module only says where each value comes from.
 */
import type { ShopifyLocalizedField } from "../shopify/orders";

export interface CustomsOverride {
  taxId?: string | null;
  consigneeID?: string | null;
  houseNumber?: string | null;
}

export interface CustomsCredential {
  /** What the credential is called in that country (for the merchant's messages). */
  label: string;
  /** The CJ fields it fills: taxId always; consigneeID too where it identifies the recipient (CN, TW). */
  consigneeId: boolean;
  /** Canonical form before sending: CJ's rules match digits (BR CPF/CNPJ) or an upper-case P (KR PCCC). */
  normalise: (value: string) => string;
}

const trimmed = (value: string) => value.trim();
/** Letters and digits only (BR: "123.456.789-09" → "12345678909"; the alphanumeric CNPJ keeps its letters). */
const alphanumeric = (value: string) => value.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
const compactUpper = (value: string) => value.replace(/[\s\-.]/g, "").toUpperCase();
/** CL: the RUT keeps the hyphen before its check digit ("12.345.678-k" → "12345678-K"). */
const rut = (value: string) => value.replace(/[\s.]/g, "").toUpperCase();

/**
 * Countries whose checkout Shopify can ask for a credential (LocalizedFieldKey), and how each is sent. A country not
 * listed sends nothing unless the merchant enters a value on the order page.
 */
export const CUSTOMS_CREDENTIALS: Readonly<Record<string, CustomsCredential>> = {
  BR: { label: "CPF/CNPJ", consigneeId: false, normalise: alphanumeric },
  CL: { label: "RUT", consigneeId: false, normalise: rut },
  CN: { label: "Resident ID number", consigneeId: true, normalise: compactUpper },
  CO: { label: "Cédula / NIT", consigneeId: false, normalise: compactUpper },
  CR: { label: "Cédula", consigneeId: false, normalise: compactUpper },
  EC: { label: "Cédula / RUC", consigneeId: false, normalise: compactUpper },
  ES: { label: "DNI / NIE / NIF", consigneeId: false, normalise: compactUpper },
  GT: { label: "NIT / DPI", consigneeId: false, normalise: compactUpper },
  ID: { label: "NIK / NPWP", consigneeId: false, normalise: compactUpper },
  IT: { label: "Codice fiscale", consigneeId: false, normalise: compactUpper },
  KR: { label: "Personal Customs Clearance Code (PCCC)", consigneeId: false, normalise: compactUpper },
  MX: { label: "RFC / CURP", consigneeId: false, normalise: compactUpper },
  MY: { label: "MyKad / passport number", consigneeId: false, normalise: compactUpper },
  PE: { label: "DNI / RUC", consigneeId: false, normalise: compactUpper },
  PT: { label: "NIF", consigneeId: false, normalise: compactUpper },
  PY: { label: "Cédula / RUC", consigneeId: false, normalise: compactUpper },
  TR: { label: "T.C. Kimlik No / VKN", consigneeId: false, normalise: compactUpper },
  TW: { label: "National ID / UBN", consigneeId: true, normalise: compactUpper },
};

export function credentialLabel(countryCode: string): string {
  return CUSTOMS_CREDENTIALS[countryCode]?.label ?? "tax ID";
}

export interface CustomsValues {
  taxId: string | null;
  consigneeID: string | null;
  /** Where the values came from, for the timeline ("checkout: CPF/CNPJ", "entered on the order page"). */
  source: string | null;
}

/**
 * The credential for a shipment to `countryCode`: the merchant's value if entered, else the checkout's shipping
 * credential of that country, else its tax credential. A credential of another country is never sent.
 */
export function customsValues(
  countryCode: string,
  fields: readonly ShopifyLocalizedField[],
  override: CustomsOverride | null,
): CustomsValues {
  const rule = CUSTOMS_CREDENTIALS[countryCode];
  const normalise = rule?.normalise ?? trimmed;
  const entered = (override?.taxId ?? override?.consigneeID ?? "").trim();
  if (entered) {
    const value = normalise(entered);
    return {
      taxId: override?.taxId?.trim() ? normalise(override.taxId) : value,
      consigneeID: override?.consigneeID?.trim() ? normalise(override.consigneeID) : rule?.consigneeId ? value : null,
      source: "entered on the order page",
    };
  }
  const ofCountry = fields.filter((f) => f.countryCode === countryCode && f.value.trim() !== "");
  const field =
    ofCountry.find((f) => f.key === `SHIPPING_CREDENTIAL_${countryCode}`) ??
    ofCountry.find((f) => f.key === `TAX_CREDENTIAL_${countryCode}`);
  if (!field) return { taxId: null, consigneeID: null, source: null };
  const value = normalise(field.value);
  if (!value) return { taxId: null, consigneeID: null, source: null };
  return {
    taxId: value,
    consigneeID: rule?.consigneeId ? value : null,
    source: `checkout: ${field.title || credentialLabel(countryCode)}`,
  };
}

/**
 * The house number of a street address, for carriers that take it apart from the street (CJ `houseNumber`):
 * "Rua Augusta, 1500 - apto 12" → "1500", "Hauptstraße 5a" → "5a", "1500 Main St" → "1500", "Rua X, s/n" → "S/N".
 * `null` when the address has no recognisable number (the merchant is asked for it).
 */
export function extractHouseNumber(address1: string | null | undefined): string | null {
  const line = (address1 ?? "").trim();
  if (!line) return null;
  if (/(?:^|[\s,])s\/?n[º°.]?(?:$|[\s,])/i.test(line)) return "S/N";
  const number = String.raw`(\d{1,6}[A-Za-z]?(?:[-/]\d{1,6}[A-Za-z]?)?)`;
  const marker = String.raw`(?:n(?:[º°o.]|ro\.?|r\.?)?\s*)?`;
  const [street = "", next = ""] = line.split(",").map((part) => part.trim());
  // "Av. Paulista 1000, apto 5" / "Hauptstraße 5a": the number that ends the street, before any comma.
  const endsStreet = new RegExp(String.raw`\s${marker}${number}$`, "i").exec(street);
  if (endsStreet?.[1]) return endsStreet[1];
  // "Rua Augusta, 1500 - apto 12" / "Av. Paulista, nº 1000": the number right after the first comma.
  const afterComma = new RegExp(String.raw`^${marker}${number}(?![\d])`, "i").exec(next);
  if (afterComma?.[1]) return afterComma[1];
  // "1500 Main St": a number first.
  const first = new RegExp(String.raw`^${number}\s`).exec(street);
  if (first?.[1]) return first[1];
  return null;
}
