/**
 * Exchange rates for shops that sell in another currency than USD (usd.ts). The source is the European Central
 * Bank's daily reference rates (`CURRENCY_RATES_URL`, default below; its XML format, or a JSON
 * `{"base":"USD","date":"YYYY-MM-DD","rates":{"JPY":150.1}}` from a deployment's own source), fetched by the
 * `refresh-currency-rates` job and stored in CurrencyRate. Rates older than `CURRENCY_RATES_MAX_AGE_DAYS` (default 5:
 * the ECB publishes on working days) are not used: amounts are then left out rather than converted at a stale rate.
 * `CURRENCY_RATES_URL=off` turns fetching off (the stored rates stay usable until they age out).
 */
import Decimal from "decimal.js";
import { request } from "undici";
import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client";
import { logger } from "../logger.server";
import type { UsdRate } from "./usd";

export const ECB_DAILY_RATES_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml";

export function currencyRatesUrl(): string | null {
  const configured = (process.env.CURRENCY_RATES_URL ?? "").trim();
  if (configured.toLowerCase() === "off") return null;
  return configured || ECB_DAILY_RATES_URL;
}

const maxAgeDays = () => Number(process.env.CURRENCY_RATES_MAX_AGE_DAYS ?? 5);

export interface ParsedRates {
  rateDate: string;
  /** Units per 1 USD. */
  perUsd: Map<string, string>;
}

export class CurrencyRatesError extends Error {
  override readonly name = "CurrencyRatesError";
}

/** Reads the ECB XML (EUR-based: every currency per 1 EUR) or the JSON shape, and re-bases it on USD. */
export function parseCurrencyRates(body: string): ParsedRates {
  const text = body.trim();
  if (text.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CurrencyRatesError("The rates answer is not valid JSON.");
    }
    const { base, date, rates } = (json ?? {}) as { base?: unknown; date?: unknown; rates?: unknown };
    if (typeof base !== "string" || typeof date !== "string" || !rates || typeof rates !== "object") {
      throw new CurrencyRatesError('The rates JSON needs "base", "date" and "rates".');
    }
    return rebase(base.toUpperCase(), date, Object.entries(rates as Record<string, unknown>));
  }
  const date = /\btime=["'](\d{4}-\d{2}-\d{2})["']/.exec(text)?.[1];
  const entries: [string, unknown][] = [];
  for (const match of text.matchAll(/\bcurrency=["']([A-Z]{3})["']\s+rate=["']([0-9.]+)["']/g)) {
    entries.push([match[1] as string, match[2]]);
  }
  if (!date || entries.length === 0) throw new CurrencyRatesError("The rates answer has no dated rates.");
  return rebase("EUR", date, entries);
}

function rebase(base: string, rateDate: string, entries: [string, unknown][]): ParsedRates {
  const perBase = new Map<string, Decimal>([[base, new Decimal(1)]]);
  for (const [currency, value] of entries) {
    const rate = new Decimal(String(value));
    if (/^[A-Z]{3}$/.test(currency.toUpperCase()) && rate.isFinite() && rate.gt(0)) {
      perBase.set(currency.toUpperCase(), rate);
    }
  }
  const usd = perBase.get("USD");
  if (!usd) throw new CurrencyRatesError("The rates have no US dollar rate.");
  const perUsd = new Map<string, string>();
  for (const [currency, rate] of perBase) {
    if (currency === "USD") continue;
    perUsd.set(currency, rate.dividedBy(usd).toSignificantDigits(10).toString());
  }
  return { rateDate, perUsd };
}

/**
 * Fetches and stores the rates; returns how many were stored, or null when fetching is off or the stored rates are
 * younger than `freshSeconds` (a restart does not fetch again, nor write while the process starts).
 */
export async function refreshCurrencyRates(
  db: Db,
  now: Date = new Date(),
  options: { freshSeconds?: number } = {},
): Promise<number | null> {
  const url = currencyRatesUrl();
  if (!url) return null;
  if (options.freshSeconds) {
    const newest = await db.currencyRate.findFirst({ orderBy: { fetchedAt: "desc" }, select: { fetchedAt: true } });
    if (newest && now.getTime() - newest.fetchedAt.getTime() < options.freshSeconds * 1000) return null;
  }
  const response = await request(url, { headersTimeout: 15_000, bodyTimeout: 15_000 });
  const body = await response.body.text();
  if (response.statusCode !== 200) {
    throw new CurrencyRatesError(`The rates source answered HTTP ${response.statusCode}.`);
  }
  const parsed = parseCurrencyRates(body);
  const source =
    url === ECB_DAILY_RATES_URL ? "European Central Bank reference rate" : `rates from ${new URL(url).host}`;
  // One statement for all of them (the same SQL on SQLite and PostgreSQL): on SQLite every write takes the
  // database's one write lock, and thirty upserts in a transaction hold it for as long as they take to run.
  const rows = [...parsed.perUsd].map(
    ([currency, perUsd]) => Prisma.sql`(${currency}, ${perUsd}, ${parsed.rateDate}, ${source}, ${now})`,
  );
  if (rows.length > 0) {
    await db.$executeRaw`
      INSERT INTO "CurrencyRate" ("currency", "perUsd", "rateDate", "source", "fetchedAt")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("currency") DO UPDATE SET
        "perUsd" = excluded."perUsd", "rateDate" = excluded."rateDate", "source" = excluded."source",
        "fetchedAt" = excluded."fetchedAt"`;
  }
  logger.info({ rates: parsed.perUsd.size, rateDate: parsed.rateDate }, "currency rates refreshed");
  return parsed.perUsd.size;
}

/** The rates that may be used now (not older than the allowed age by their own date). */
export async function usableUsdRates(db: Db, now: Date = new Date()): Promise<UsdRate[]> {
  const rows = await db.currencyRate.findMany();
  const oldest = now.getTime() - maxAgeDays() * 24 * 60 * 60 * 1000;
  return rows.filter((row) => Date.parse(`${row.rateDate}T23:59:59Z`) >= oldest);
}
