import type { DestinationRule, InterceptReason, Order, RuleType } from "./state.js";

/**
 * Destination rules: what a destination (and optionally a logistic) requires of an order — seed 001 §1.2 and 003
 * (`ruleTipTypes` phone, dutyNo, email, zip, destArea3Id, houseNumber; each tip `{expression, interceptType, msgCode,
 * msgEn, type, min, max}`, interceptType "0" strong / "1" not strong). freightCalculateTip shows them; an order that
 * fails a strong one is created but intercepted (orders.ts).
 */
export const RULE_TYPES: readonly RuleType[] = ["phone", "dutyNo", "email", "zip", "destArea3Id", "houseNumber"];

/** What a caller writes (start option `destinationRules`, control route); the rest gets defaults. */
export interface DestinationRuleInput {
  type: RuleType;
  expression?: string | null;
  interceptType?: "0" | "1";
  msgEn?: string;
  msgCode?: string;
  min?: string | null;
  max?: string | null;
  /** Only for these logistic names; omitted = every logistic. */
  logisticNames?: string[];
}

export type DestinationRuleTable = Record<string, DestinationRuleInput[]>;

/** The seed shows msgCode "1001" for phone; the others are numbered on from it. */
const MSG_CODE: Record<RuleType, string> = {
  phone: "1001",
  dutyNo: "1002",
  email: "1003",
  zip: "1004",
  destArea3Id: "1005",
  houseNumber: "1006",
};

/** How the intercept messages name each field. */
export const RULE_LABEL: Record<RuleType, string> = {
  phone: "Phone (phone)",
  dutyNo: "Tax ID (dutyNo)",
  email: "Email (email)",
  zip: "Zip code (zip)",
  destArea3Id: "County/district (destArea3Id)",
  houseNumber: "House number (houseNumber)",
};

const DEFAULT_MSG: Record<RuleType, string> = {
  phone: "Please fill in the recipient's phone number.",
  dutyNo: "Please fill in the recipient's tax ID.",
  email: "Please fill in the recipient's email.",
  zip: "Please fill in the zip code.",
  destArea3Id: "Please fill in the county/district.",
  houseNumber: "Please fill in the house number.",
};

/** The emulator's default table; every other country has no rules (a US order needs nothing). */
export const DEFAULT_DESTINATION_RULES: DestinationRuleTable = {
  BR: [
    {
      type: "dutyNo",
      expression: "^(\\d{11}|\\d{14})$",
      interceptType: "0",
      msgEn: "Tax ID is required: CPF (11 digits) or CNPJ (14 digits), numbers only.",
    },
    { type: "houseNumber", interceptType: "0", msgEn: "House number is required." },
  ],
  KR: [
    {
      type: "dutyNo",
      expression: "^[Pp]\\d{12}$",
      interceptType: "0",
      msgEn: "Personal Customs Clearance Code (PCCC) is required: P followed by 12 digits.",
    },
  ],
  CN: [
    {
      type: "dutyNo",
      expression: "^\\d{17}[\\dXx]$",
      interceptType: "0",
      msgEn: "Resident identity card number is required: 18 characters (17 digits and a digit or X).",
    },
  ],
  MX: [{ type: "dutyNo", interceptType: "0", msgEn: "Tax ID (RFC/CURP) is required." }],
  CL: [{ type: "dutyNo", interceptType: "0", msgEn: "Tax ID (RUT) is required." }],
};

/** Check and complete one rule; throws an Error naming the problem (the control API answers 400 with it). */
export function resolveRule(input: DestinationRuleInput, where: string): DestinationRule {
  if (!RULE_TYPES.includes(input.type)) {
    throw new Error(`${where}: type must be one of ${RULE_TYPES.join(", ")}`);
  }
  const expression = input.expression === undefined || input.expression === "" ? null : input.expression;
  if (expression !== null) {
    try {
      new RegExp(expression);
    } catch {
      throw new Error(`${where}: expression is not a valid regular expression`);
    }
  }
  const interceptType = input.interceptType ?? "0";
  if (interceptType !== "0" && interceptType !== "1") throw new Error(`${where}: interceptType must be "0" or "1"`);
  return {
    type: input.type,
    expression,
    interceptType,
    msgCode: input.msgCode ?? MSG_CODE[input.type],
    msgEn: input.msgEn ?? DEFAULT_MSG[input.type],
    min: input.min ?? null,
    max: input.max ?? null,
    logisticNames: input.logisticNames && input.logisticNames.length > 0 ? [...input.logisticNames] : null,
  };
}

/** Resolve a table (country codes upper-cased). */
export function resolveTable(table: DestinationRuleTable): Record<string, DestinationRule[]> {
  const out: Record<string, DestinationRule[]> = {};
  for (const [country, rules] of Object.entries(table)) {
    if (!Array.isArray(rules)) throw new Error(`destinationRules.${country} must be a list`);
    out[country.toUpperCase()] = rules.map((r, i) => resolveRule(r, `destinationRules.${country}[${i}]`));
  }
  return out;
}

/** The rules for a destination and logistic (a rule with `logisticNames` applies to those only). */
export function rulesFor(
  table: Record<string, DestinationRule[]>,
  country: string,
  logisticName: string | null,
): DestinationRule[] {
  const rules = table[country.toUpperCase()] ?? [];
  return rules.filter(
    (r) =>
      r.logisticNames === null ||
      (logisticName !== null && r.logisticNames.some((n) => n.toLowerCase() === logisticName.toLowerCase())),
  );
}

export type RuleVerdict = "met" | "missing" | "invalid";

/** One rule against the candidate values (any candidate that is present and matches meets it). */
export function judge(rule: DestinationRule, candidates: readonly (string | null | undefined)[]): RuleVerdict {
  const present = candidates.filter((v): v is string => typeof v === "string" && v.trim() !== "");
  if (present.length === 0) return "missing";
  if (rule.expression === null) return "met";
  const pattern = new RegExp(rule.expression);
  return present.some((v) => pattern.test(v)) ? "met" : "invalid";
}

/** A failed tip: an absent value fails a strong rule only; a present value fails when it does not match. */
export function fails(rule: DestinationRule, verdict: RuleVerdict): boolean {
  if (verdict === "met") return false;
  return verdict === "invalid" || rule.interceptType === "0";
}

/** The tip object of `ruleTips` / `allRuleTips`. */
export function ruleTip(rule: DestinationRule) {
  return {
    expression: rule.expression,
    interceptType: rule.interceptType,
    max: rule.max,
    min: rule.min,
    msgCode: rule.msgCode,
    msgEn: rule.msgEn,
    type: rule.type,
  };
}

/** An order's value(s) for each rule type: dutyNo is met by taxId or consigneeID. */
function orderValues(order: Order, type: RuleType): (string | null)[] {
  switch (type) {
    case "dutyNo":
      return [order.taxId, order.consigneeID];
    case "houseNumber":
      return [order.houseNumber];
    case "phone":
      return [order.shippingPhone];
    case "email":
      return [order.email];
    case "zip":
      return [order.shippingZip];
    case "destArea3Id":
      return [order.shippingCounty];
  }
}

/** One intercept reason per strong rule the order fails (not-strong rules never intercept). */
export function interceptReasonsFor(table: Record<string, DestinationRule[]>, order: Order): InterceptReason[] {
  const country = order.shippingCountryCode.toUpperCase();
  const reasons: InterceptReason[] = [];
  for (const rule of rulesFor(table, country, order.logisticName)) {
    if (rule.interceptType !== "0") continue;
    const verdict = judge(rule, orderValues(order, rule.type));
    if (verdict === "met") continue;
    const label = RULE_LABEL[rule.type];
    const code = Number(rule.msgCode);
    reasons.push({
      code: Number.isInteger(code) ? code : 0,
      message:
        verdict === "missing"
          ? `${label} is required for ${country}`
          : `${label} is invalid for ${country}: ${rule.msgEn}`,
    });
  }
  return reasons;
}
