/**
 * Zod schemas for CJ answers, tolerant of what CJ really sends (docs/cj-api-facts.md, "Response envelope"):
 * numbers as strings or `""`, `null` everywhere, extra fields (loose objects), money as BigDecimal that must never
 * go through float arithmetic. Field names are CJ's own.
 */
import Decimal from "decimal.js";
import { z } from "zod";

const isBlank = (value: unknown): value is null | undefined | "" =>
  value === null || value === undefined || (typeof value === "string" && value.trim() === "");

/** Canonical decimal string: no exponent, at least two decimals, never rounded ("22.00", "4.71", "0.125"). */
export function toCanonicalDecimal(value: Decimal.Value): string {
  const decimal = new Decimal(value);
  return decimal.toFixed(Math.max(2, decimal.decimalPlaces()));
}

const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** BigDecimal money field: number, numeric string, `""` or `null` → canonical decimal string or `null`. */
export const cjMoney = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value, ctx): string | null => {
    if (isBlank(value)) return null;
    const text = typeof value === "number" ? String(value) : value.trim();
    if (!Number.isFinite(Number(text)) || !DECIMAL_PATTERN.test(text)) {
      ctx.addIssue({ code: "custom", message: `not a decimal: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return toCanonicalDecimal(text);
  });

/** int field sent as number or numeric string (`"38"`), possibly `""`/`null` → number or `null`. */
export const cjInt = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value, ctx): number | null => {
    if (isBlank(value)) return null;
    const number = typeof value === "number" ? value : Number(value.trim());
    if (!Number.isSafeInteger(number)) {
      ctx.addIssue({ code: "custom", message: `not an integer: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return number;
  });

/** Non-money number that may carry decimals (weights, volumes, progress): number or numeric string. */
export const cjNumber = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value, ctx): number | null => {
    if (isBlank(value)) return null;
    const number = typeof value === "number" ? value : Number(value.trim());
    if (!Number.isFinite(number)) {
      ctx.addIssue({ code: "custom", message: `not a number: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return number;
  });

/** String field (ids sometimes arrive as numbers) → string or `null`; `""` is kept (CJ uses it for "none"). */
export const cjString = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value): string | null => (value === null || value === undefined ? null : String(value)));

/** Boolean that may arrive as `true`, `"true"`, `1`, `""` or `null`. */
export const cjBoolean = z
  .union([z.boolean(), z.number(), z.string(), z.null()])
  .optional()
  .transform((value): boolean | null => {
    if (isBlank(value)) return null;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0;
    return value.trim().toLowerCase() === "true" || value.trim() === "1";
  });

/** A list that CJ may send as `null` or omit → always an array. */
export const cjList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .optional()
    .transform((value) => value ?? []);

export const cjStringList = cjList(cjString).transform((values) =>
  values.filter((value): value is string => value !== null),
);

/** A nested object that CJ may send as `null` or omit. */
export const cjObject = <T extends z.ZodType>(schema: T) =>
  schema
    .nullable()
    .optional()
    .transform((v) => v ?? null);

/** `{code,result,message,data,requestId,success?}`; `code` may be missing (seed 002 §1.5, §3.1 samples). */
export const cjEnvelopeSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  result: z.boolean().nullable().optional(),
  message: z.string().nullable().optional(),
  data: z.unknown().optional(),
  requestId: z.string().nullable().optional(),
  success: z.boolean().nullable().optional(),
});
export type CjEnvelope = z.output<typeof cjEnvelopeSchema>;

/**
 * Success is `code == 200`. A few endpoints answer `{success:true, code:0}` (cj-api-facts), and some seed samples
 * carry no `code` at all but `success: true` (002 §1.5 saveGenerateParentOrder, §3.1 uploadWaybillInfo).
 */
export function isCjSuccess(envelope: CjEnvelope): boolean {
  const code = envelope.code === undefined ? undefined : Number(envelope.code);
  if (code === 200) return true;
  return envelope.success === true && (code === undefined || code === 0);
}
