import type { LocalizedField, LocalizedFieldPurpose } from "./model";

/** The values of the 2026-10 schema's `LocalizedFieldKey` enum (a test checks the list against the schema). */
export const localizedFieldKeys = [
  "SHIPPING_CREDENTIAL_BR",
  "SHIPPING_CREDENTIAL_CL",
  "SHIPPING_CREDENTIAL_CN",
  "SHIPPING_CREDENTIAL_CO",
  "SHIPPING_CREDENTIAL_CR",
  "SHIPPING_CREDENTIAL_EC",
  "SHIPPING_CREDENTIAL_ES",
  "SHIPPING_CREDENTIAL_GT",
  "SHIPPING_CREDENTIAL_ID",
  "SHIPPING_CREDENTIAL_KR",
  "SHIPPING_CREDENTIAL_MX",
  "SHIPPING_CREDENTIAL_MY",
  "SHIPPING_CREDENTIAL_PE",
  "SHIPPING_CREDENTIAL_PT",
  "SHIPPING_CREDENTIAL_PY",
  "SHIPPING_CREDENTIAL_TR",
  "SHIPPING_CREDENTIAL_TW",
  "SHIPPING_CREDENTIAL_TYPE_CO",
  "TAX_CREDENTIAL_BR",
  "TAX_CREDENTIAL_CL",
  "TAX_CREDENTIAL_CO",
  "TAX_CREDENTIAL_CR",
  "TAX_CREDENTIAL_EC",
  "TAX_CREDENTIAL_ES",
  "TAX_CREDENTIAL_GT",
  "TAX_CREDENTIAL_ID",
  "TAX_CREDENTIAL_IT",
  "TAX_CREDENTIAL_MX",
  "TAX_CREDENTIAL_MY",
  "TAX_CREDENTIAL_PE",
  "TAX_CREDENTIAL_PT",
  "TAX_CREDENTIAL_PY",
  "TAX_CREDENTIAL_TR",
  "TAX_CREDENTIAL_TYPE_CO",
  "TAX_CREDENTIAL_TYPE_MX",
  "TAX_CREDENTIAL_USE_MX",
  "TAX_EMAIL_IT",
] as const;

export type LocalizedFieldKey = (typeof localizedFieldKeys)[number];

const knownKeys: ReadonlySet<string> = new Set(localizedFieldKeys);

/** Labels like the ones checkout shows; a key without one here is its own title. */
const defaultTitles: Partial<Record<LocalizedFieldKey, string>> = {
  SHIPPING_CREDENTIAL_BR: "CPF/CNPJ",
  TAX_CREDENTIAL_BR: "CPF/CNPJ",
  SHIPPING_CREDENTIAL_CL: "RUT",
  TAX_CREDENTIAL_CL: "RUT",
  SHIPPING_CREDENTIAL_CN: "Resident ID",
  SHIPPING_CREDENTIAL_KR: "Personal Customs Code (PCCC)",
  SHIPPING_CREDENTIAL_MX: "RFC",
  TAX_CREDENTIAL_MX: "RFC",
};

export interface LocalizedFieldInput {
  key: string;
  value: string;
  title?: string;
}

/** countryCode from the key's suffix (`_BR`, `SHIPPING_CREDENTIAL_TYPE_CO` → CO), purpose from its prefix. */
export function localizedField(input: LocalizedFieldInput): LocalizedField {
  const key = input?.key;
  if (typeof key !== "string" || !knownKeys.has(key)) {
    throw new Error(
      `buildOrder: unknown localized field key ${JSON.stringify(key)}; LocalizedFieldKey is one of ${localizedFieldKeys.join(", ")}`,
    );
  }
  if (typeof input.value !== "string") {
    throw new Error(`buildOrder: localized field ${key} needs a string value, got ${JSON.stringify(input.value)}`);
  }
  if (input.title !== undefined && typeof input.title !== "string") {
    throw new Error(`buildOrder: localized field ${key} title must be a string`);
  }
  const purpose: LocalizedFieldPurpose = key.startsWith("SHIPPING_") ? "SHIPPING" : "TAX";
  return {
    key,
    value: input.value,
    title: input.title ?? defaultTitles[key as LocalizedFieldKey] ?? key,
    countryCode: key.slice(key.lastIndexOf("_") + 1),
    purpose,
  };
}

export function localizedFields(inputs: LocalizedFieldInput[] | undefined): LocalizedField[] {
  if (inputs === undefined) return [];
  if (!Array.isArray(inputs)) throw new Error("buildOrder: localizedFields must be an array of { key, value, title? }");
  const fields = inputs.map(localizedField);
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.key)) throw new Error(`buildOrder: localized field ${field.key} is given twice`);
    seen.add(field.key);
  }
  return fields;
}
