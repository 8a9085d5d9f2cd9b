/**
 * CJ's rules of a destination and shipping method, cached in CjDestinationRule for `CJ_DESTINATION_RULES_TTL_HOURS`
 * (default 24): one freightCalculateTip (10 points) fills the rules of every method CJ offers to that country, so a
 * country costs one lookup a day, not one per order. When the lookup fails (quota, CJ down) the order goes on
 * unchecked: CJ's intercept, which the app reads, is the second line.
 */
import type { Db } from "../db.server";
import { logger } from "../logger.server";
import type { CjClient } from "../runtime/deps.server";
import type { DestinationRules, RuleTip } from "./destination-rules";

const ttlMs = () => Number(process.env.CJ_DESTINATION_RULES_TTL_HOURS ?? 24) * 60 * 60 * 1000;

export interface RulesLine {
  vid: string;
  sku: string | null;
  quantity: number;
}

export interface RulesLookup {
  rules: DestinationRules | null;
  cached: boolean;
  /** Why there are no rules to check (lookup failed, CJ did not list the method). */
  note: string | null;
}

/** Names compared as CJ spells them in different answers ("CJPacket Ordinary", "CJPACKET ORDINARY", "CJ Packet…"). */
export const methodKey = (name: string) => name.replace(/[\s_-]+/g, "").toUpperCase();

function parseRow(row: { countryCode: string; logisticName: string; types: string; tips: string }) {
  const types = JSON.parse(row.types) as string[] | null;
  if (types === null) return null;
  return {
    countryCode: row.countryCode,
    logisticName: row.logisticName,
    types,
    tips: JSON.parse(row.tips) as RuleTip[],
  } satisfies DestinationRules;
}

export async function destinationRules(
  db: Db,
  cj: CjClient,
  input: { fromCountryCode: string; countryCode: string; logisticName: string; lines: RulesLine[] },
  now: Date = new Date(),
): Promise<RulesLookup> {
  const key = {
    fromCountryCode: input.fromCountryCode,
    countryCode: input.countryCode,
    logisticName: methodKey(input.logisticName),
  };
  const row = await db.cjDestinationRule.findUnique({ where: { fromCountryCode_countryCode_logisticName: key } });
  if (row && now.getTime() - row.fetchedAt.getTime() < ttlMs()) {
    const rules = parseRow(row);
    return {
      rules,
      cached: true,
      note: rules ? null : `CJ lists no rules for ${input.logisticName} to ${input.countryCode}.`,
    };
  }
  let answer: Awaited<ReturnType<CjClient["logistics"]["freightCalculateTip"]>>;
  try {
    answer = await cj.logistics.freightCalculateTip({
      reqDTOS: [
        {
          srcAreaCode: input.fromCountryCode,
          destAreaCode: input.countryCode,
          skuList: input.lines.map((l) => l.sku ?? l.vid),
          volume: "0",
          productProp: ["COMMON"],
          platforms: ["Shopify"],
          freightTrialSkuList: input.lines.map((l) => ({
            vid: l.vid,
            ...(l.sku ? { sku: l.sku } : {}),
            skuQuantity: l.quantity,
          })),
        },
      ],
    });
  } catch (error) {
    logger.warn(
      { countryCode: input.countryCode, err: (error as Error).message },
      "CJ destination rules not available; the order is checked by CJ only",
    );
    return {
      rules: row ? parseRow(row) : null,
      cached: !!row,
      note: `CJ's required fields for ${input.countryCode} could not be read (${(error as Error).message}).`,
    };
  }
  const found = new Map<string, DestinationRules>();
  for (const option of answer ?? []) {
    const name = option.option?.enName ?? option.channel?.enName ?? null;
    if (!name) continue;
    const tips = [...option.allRuleTips, ...option.ruleTips]
      .filter((t) => t.type)
      .map((t) => ({
        type: t.type as string,
        expression: t.expression || null,
        interceptType: t.interceptType,
        msgEn: t.msgEn || null,
      }));
    const unique = tips.filter(
      (t, i) => tips.findIndex((o) => o.type === t.type && o.expression === t.expression) === i,
    );
    found.set(methodKey(name), {
      countryCode: input.countryCode,
      logisticName: name,
      types: option.ruleTipTypes,
      tips: unique,
    });
  }
  const store = async (logisticName: string, rules: DestinationRules | null) => {
    const where = { fromCountryCode: input.fromCountryCode, countryCode: input.countryCode, logisticName };
    const data = {
      types: JSON.stringify(rules ? rules.types : null),
      tips: JSON.stringify(rules ? rules.tips : []),
      fetchedAt: now,
    };
    await db.cjDestinationRule.upsert({
      where: { fromCountryCode_countryCode_logisticName: where },
      create: { ...where, ...data },
      update: data,
    });
  };
  for (const [name, rules] of found) await store(name, rules);
  const rules = found.get(key.logisticName) ?? null;
  // A method the answer does not list is remembered as "no rules known", so it is not asked again every order.
  if (!rules) await store(key.logisticName, null);
  return {
    rules,
    cached: false,
    note: rules ? null : `CJ lists no rules for ${input.logisticName} to ${input.countryCode}.`,
  };
}
