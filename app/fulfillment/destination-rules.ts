/**
 * CJ's required-field rules of a destination and shipping method (`freightCalculateTip` answers `ruleTipTypes`:
 * phone, dutyNo, email, zip, destArea3Id, houseNumber; and `allRuleTips` with a pattern per type, seeds 001 §1.2 and
 * 003). An order that misses one is intercepted by CJ after submission, so the app checks them before submitting and
 * holds the order with a reason naming the field and the country.
 */
import type { CjCreateOrderV2Request } from "../cj/requests";
import { credentialLabel } from "./customs";

export const RULE_TYPES = ["phone", "dutyNo", "email", "zip", "destArea3Id", "houseNumber"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface RuleTip {
  type: string;
  /** A Java regular expression the value must match, when CJ gives one. */
  expression: string | null;
  /** "0" strong (CJ intercepts the order), "1" not strong (a warning). */
  interceptType: string | null;
  msgEn: string | null;
}

export interface DestinationRules {
  countryCode: string;
  logisticName: string;
  types: string[];
  tips: RuleTip[];
}

export interface RuleCheck {
  problems: string[];
  warnings: string[];
}

/** Which CJ order field carries each rule's value. */
function valueFor(type: string, request: CjCreateOrderV2Request): string | undefined {
  switch (type) {
    case "phone":
      return request.shippingPhone;
    case "email":
      return request.email;
    case "zip":
      return request.shippingZip;
    case "dutyNo":
      return request.taxId ?? request.consigneeID;
    case "houseNumber":
      return request.houseNumber;
    case "destArea3Id":
      return request.shippingCounty;
    default:
      return undefined;
  }
}

function what(type: string, countryCode: string): { field: string; fix: string } {
  switch (type) {
    case "phone":
      return { field: "a phone number", fix: "add it to the shipping address in Shopify" };
    case "email":
      return { field: "the customer's email", fix: "add it to the order in Shopify" };
    case "zip":
      return { field: "a postal code", fix: "add it to the shipping address in Shopify" };
    case "dutyNo":
      return {
        field: `the recipient's ${credentialLabel(countryCode)} (customs)`,
        fix: "enter it on the order page (the customer did not give it at checkout)",
      };
    case "houseNumber":
      return {
        field: "a house number",
        fix: 'put the number in address line 1 in Shopify (e.g. "Rua Augusta, 1500") or enter it on the order page',
      };
    case "destArea3Id":
      return { field: "the district (county)", fix: "choose another shipping method on the order page" };
    default:
      return { field: type, fix: "check the order in CJ" };
  }
}

/**
 * Java and JavaScript patterns agree on what CJ uses (classes, anchors, counts). Compiled in Unicode mode, where a
 * construct JavaScript reads differently (`\p{Alnum}`, possessive quantifiers) is an error instead of a silent
 * literal: such a pattern is not enforced, and never holds a valid order.
 */
function matches(expression: string, value: string): boolean | null {
  try {
    return new RegExp(expression, "u").test(value);
  } catch {
    return null;
  }
}

/** The problems (strong rules) and warnings (weak ones) of a mapped request against a destination's rules. */
export function checkDestinationRules(request: CjCreateOrderV2Request, rules: DestinationRules): RuleCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const country = rules.countryCode;
  const where = `for ${country} with ${rules.logisticName}`;
  const types = new Set([...rules.types, ...rules.tips.filter((t) => t.interceptType === "0").map((t) => t.type)]);
  for (const type of types) {
    // Only the six documented types map to an order field; another (a name or address length tip) is CJ's to check.
    if (!(RULE_TYPES as readonly string[]).includes(type)) continue;
    const tips = rules.tips.filter((t) => t.type === type);
    const strong = tips.length === 0 || tips.some((t) => t.interceptType !== "1");
    const { field, fix } = what(type, country);
    const value = valueFor(type, request)?.trim();
    const say = (text: string) => (strong ? problems : warnings).push(text);
    if (!value) {
      say(`CJ requires ${field} ${where}: ${fix}.`);
      continue;
    }
    for (const tip of tips) {
      if (!tip.expression) continue;
      if (matches(tip.expression, value) === false) {
        const cjSays = tip.msgEn ? ` (CJ: "${tip.msgEn}")` : "";
        const say2 = tip.interceptType === "1" ? warnings : problems;
        say2.push(`CJ does not accept ${field} as given ${where}${cjSays}: ${fix}.`);
        break;
      }
    }
  }
  return { problems, warnings };
}

export function requiresHouseNumber(rules: DestinationRules | null): boolean {
  return !!rules && (rules.types.includes("houseNumber") || rules.tips.some((t) => t.type === "houseNumber"));
}
