/**
 * Zod schemas for CJ answers, tolerant of what CJ really sends (docs/cj-api-facts.md, "Response envelope"):
 * numbers as strings or `""`, `null` everywhere, extra fields (loose objects), money as BigDecimal that must never
 * go through float arithmetic. Field names are CJ's own.
 */
import Decimal from "decimal.js";
import { z } from "zod";
import { logger } from "../logger.server";

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

/** A 0/1 flag (isSandbox) that may arrive as a number, a boolean or a string → 0, 1 or `null`. */
export const cjFlag = z
  .union([z.number(), z.boolean(), z.string(), z.null()])
  .optional()
  .transform((value, ctx): number | null => {
    if (isBlank(value)) return null;
    if (typeof value === "boolean") return value ? 1 : 0;
    const text = String(value).trim().toLowerCase();
    if (text === "true") return 1;
    if (text === "false") return 0;
    const number = Number(text);
    if (!Number.isSafeInteger(number)) {
      ctx.addIssue({ code: "custom", message: `not a flag: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return number;
  });

/** An object that may also arrive as a string holding its JSON (`podPropertiesInfo`), or `null`/`""`. */
export const cjJsonObject = <T extends z.ZodType>(schema: T) =>
  z
    .unknown()
    .transform((value, ctx): unknown => {
      if (isBlank(value)) return null;
      if (typeof value !== "string") return value;
      try {
        return JSON.parse(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema.nullable());

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

/**
 * A CJ object read field by field: a field of an unexpected type (CJ's Java API varies: `isSandbox: false` for 0,
 * a JSON string where an object was documented, `""` for a list) is read as empty and logged by name, instead of
 * failing the whole answer and the step that needed another field. Fields a step cannot do without (an order id, a
 * payment id) are listed in `required` and keep failing the answer, which the transport reports as "unreadable".
 */
export function tolerantObject<S extends Record<string, z.ZodType>>(
  shape: S,
  options: { name: string; required?: readonly (keyof S & string)[] },
) {
  const required = new Set<string>(options.required ?? []);
  const fields: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (required.has(key)) {
      fields[key] = schema;
      continue;
    }
    const fallback = schema.safeParse(undefined);
    const empty = fallback.success ? fallback.data : null;
    fields[key] = schema.catch((ctx: { input: unknown }) => {
      noteOddShape(options.name, key, ctx.input);
      return empty;
    });
  }
  return z.looseObject(fields as S);
}

/**
 * Logged once per object, field and type in a process: an account whose answers always carry the odd shape must
 * not write a warning for every call on the hot path.
 */
const oddShapesSeen = new Set<string>();
function noteOddShape(object: string, field: string, value: unknown) {
  const key = `${object}.${field}:${describeType(value)}`;
  if (oddShapesSeen.has(key) || oddShapesSeen.size > 1000) return;
  oddShapesSeen.add(key);
  logger.warn(
    { cjObject: object, field, received: describeType(value) },
    "CJ sent a field of an unexpected type; read as empty",
  );
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A list whose items are read one by one: an item that cannot be read is left out and logged, not the whole list. */
export const cjListEach = <T extends z.ZodType>(item: T, name: string) =>
  z
    .array(z.unknown())
    .nullable()
    .optional()
    .catch((ctx: { input: unknown }) => {
      logger.warn(
        { cjObject: name, received: describeType(ctx.input) },
        "CJ sent a list of an unexpected type; read as empty",
      );
      return [];
    })
    .transform((values) => {
      const items: z.output<T>[] = [];
      for (const value of values ?? []) {
        const parsed = item.safeParse(value);
        if (parsed.success) items.push(parsed.data);
        else
          logger.warn(
            { cjObject: name, issues: parsed.error.issues.length },
            "CJ list item could not be read; left out",
          );
      }
      return items;
    });
