import { paramError } from "./envelope.js";

/**
 * Field tables of the seed documents (name, type, required, length) turned into data.
 * Any violation answers 1600100 "Param error", naming nothing, as the seed's error sample does.
 */
export type FieldType = "string" | "int" | "decimal" | "list";

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  /** Max characters for strings/numbers, max items for lists. */
  max?: number;
}

export function field(name: string, type: FieldType, required: boolean, max?: number): FieldSpec {
  return max === undefined ? { name, type, required } : { name, type, required, max };
}

/** CJ (Java/Jackson) treats null and "" as "not given": the seed's own sample sends `"payType": ""`. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function checkOne(value: unknown, spec: FieldSpec): boolean {
  if (isAbsent(value)) return !spec.required || (spec.type === "list" && Array.isArray(value));
  switch (spec.type) {
    case "string": {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
      return spec.max === undefined || String(value).length <= spec.max;
    }
    case "int": {
      if (typeof value === "number") return Number.isInteger(value);
      return typeof value === "string" && /^-?\d{1,18}$/.test(value.trim());
    }
    case "decimal": {
      if (typeof value === "number") return Number.isFinite(value);
      return typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim());
    }
    case "list": {
      if (!Array.isArray(value)) return false;
      if (spec.required && value.length === 0) return false;
      return spec.max === undefined || value.length <= spec.max;
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function validate(body: unknown, specs: readonly FieldSpec[]): Record<string, unknown> {
  if (!isRecord(body)) throw paramError();
  for (const spec of specs) if (!checkOne(body[spec.name], spec)) throw paramError();
  return body;
}

export function optString(value: unknown): string | null {
  return isAbsent(value) ? null : String(value);
}

export function reqString(value: unknown): string {
  if (isAbsent(value)) throw paramError();
  return String(value);
}

export function optInt(value: unknown): number | null {
  return isAbsent(value) ? null : Number(value);
}
