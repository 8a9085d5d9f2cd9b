/**
 * Shop settings: one zod schema validates the Settings form (errors by field, shown inline), and the CJ API key is
 * checked by authenticating with CJ before it is stored (encrypted), never shown again except masked.
 */
import Decimal from "decimal.js";
import { z } from "zod";
import { createCjClient } from "../cj";
import { createMemoryCredentialStore } from "../cj/credentials";
import { CjApiError } from "../cj/errors";
import { cjLevelForQps } from "../cj/levels";
import type { Db } from "../db.server";
import type { JobQueue } from "../jobs/queue";
import { encryptSecret, secretLookupHash } from "../secrets/crypto.server";
import { apiKeyLookupHash, attachShopToAccount, findAccountByApiKey, storesSharingAccount } from "./cj-account.server";
import { releaseHeldOrders } from "./onboarding.server";

const decimalOrEmpty = z
  .string()
  .trim()
  .transform((v) => (v === "" ? null : v))
  .refine(
    (v) => v === null || (/^\d+(\.\d{1,2})?$/.test(v) && new Decimal(v).greaterThan(0)),
    "Enter an amount like 150 or 150.00",
  )
  .nullable();

const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());

export const settingsSchema = z
  .object({
    forwardingTrigger: z.enum(["ON_PAYMENT", "ON_CREATION", "MANUAL"], { error: "Choose when orders are forwarded" }),
    paused: checkbox,
    holdHighRisk: checkbox,
    orderTotalCap: decimalOrEmpty,
    logisticsRule: z.enum(["CHEAPEST_WITHIN_DAYS", "FASTEST", "PREFERRED"], { error: "Choose a shipping rule" }),
    logisticsMaxDays: z.coerce
      .number({ error: "Enter a number of days" })
      .int("Enter whole days")
      .min(1, "At least 1 day")
      .max(90, "At most 90 days"),
    preferredLogistics: z
      .string()
      .trim()
      .transform((v, ctx) => {
        if (v === "") return "{}";
        // "US: USPS+, CJPacket Ordinary" one destination per line, "*" for every other country.
        const table: Record<string, string[]> = {};
        for (const line of v.split(/\r?\n/).filter((l) => l.trim())) {
          const [country, methods] = line.split(":");
          const code = country?.trim().toUpperCase() ?? "";
          if (!/^([A-Z]{2}|\*)$/.test(code) || !methods?.trim()) {
            ctx.addIssue({
              code: "custom",
              message: `Use "US: USPS+, CJPacket Ordinary" (one country per line); not "${line.trim()}"`,
            });
            return z.NEVER;
          }
          table[code] = methods
            .split(",")
            .map((m) => m.trim())
            .filter(Boolean);
        }
        return JSON.stringify(table);
      }),
    fromCountryCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "Use a two-letter country code, e.g. CN or US"),
    paymentMode: z.enum(["LINK", "BALANCE"], { error: "Choose how CJ orders are paid" }),
    autoPayPerOrderCap: decimalOrEmpty,
    autoPayPerDayCap: decimalOrEmpty,
    iossType: z
      .string()
      .transform((v) => (v === "" ? null : Number(v)))
      .refine((v) => v === null || [1, 2, 3].includes(v), "Choose an IOSS option")
      .nullable(),
    iossNumber: z
      .string()
      .trim()
      .transform((v) => (v === "" ? null : v))
      // Seed 002 §1.1: iossNumber is a string of at most 10 characters.
      .refine((v) => v === null || v.length <= 10, "CJ accepts an IOSS number of at most 10 characters")
      .nullable(),
    storeName: z
      .string()
      .trim()
      .max(50, "At most 50 characters (CJ's limit)")
      .transform((v) => (v === "" ? null : v))
      .nullable(),
    sendOrderNote: checkbox,
    sandbox: checkbox,
    notifyCustomer: checkbox,
    trackingSync: z.enum(["AFTER_DISPATCH", "BEFORE_DISPATCH"], { error: "Choose when tracking is synced" }),
    mergeOrders: checkbox,
    // Minutes a new CJ order waits unpaid for merging (0: paid at once, merge what is still unpaid). Absent (a
    // form without the field): the default.
    mergeWindowMinutes: z.preprocess(
      (v) => (v === undefined || v === "" ? "360" : v),
      z.coerce
        .number({ error: "Enter a number of minutes" })
        .int("Enter whole minutes")
        .min(0, "At least 0 minutes")
        .max(10_080, "At most 10080 minutes (7 days)"),
    ),
  })
  .superRefine((s, ctx) => {
    if (s.iossType === 2 && !s.iossNumber) {
      ctx.addIssue({
        code: "custom",
        path: ["iossNumber"],
        message: "Enter your IOSS number, or choose another IOSS option",
      });
    }
    if (s.paymentMode === "BALANCE" && !s.autoPayPerOrderCap) {
      ctx.addIssue({
        code: "custom",
        path: ["autoPayPerOrderCap"],
        message: "Set a per-order cap for paying from the CJ balance",
      });
    }
    if (s.autoPayPerOrderCap && s.autoPayPerDayCap && new Decimal(s.autoPayPerDayCap).lessThan(s.autoPayPerOrderCap)) {
      ctx.addIssue({
        code: "custom",
        path: ["autoPayPerDayCap"],
        message: "The daily cap must be at least the per-order cap",
      });
    }
  });

export type SettingsInput = z.input<typeof settingsSchema>;
export type FieldErrors = Partial<Record<keyof SettingsInput | "cjApiKey", string>>;

export async function loadSettings(db: Db, shopDomain: string) {
  const shop = await db.shop.findUniqueOrThrow({
    where: { domain: shopDomain },
    include: { settings: true, cjAccount: true },
  });
  const settings = shop.settings ?? (await db.shopSettings.create({ data: { shopId: shop.id } }));
  return { shop, settings, cjAccount: shop.cjAccount };
}

export async function saveSettings(
  db: Db,
  shopDomain: string,
  form: Record<string, unknown>,
  /** Given by the Settings page: resuming a paused shop sends the orders held only by the pause. */
  queue?: JobQueue,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = settingsSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form") as keyof FieldErrors;
      errors[key] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const shop = await db.shop.findUniqueOrThrow({
    where: { domain: shopDomain },
    select: { id: true, settings: { select: { paused: true, storeName: true } } },
  });
  const before = shop.settings;
  // A store name typed by hand is checked against CJ's stores again (onboarding "store name" step).
  const storeNameChanged = (before?.storeName ?? null) !== (parsed.data.storeName ?? null);
  const data = { ...parsed.data, ...(storeNameChanged ? { storeNameCheckedAt: null } : {}) };
  await db.shopSettings.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, ...data }, update: data });
  if (queue && before?.paused && !parsed.data.paused) await releaseHeldOrders({ db, queue }, shop.id, "PAUSED");
  return { ok: true };
}

/** "••••••••1234": the only form in which a stored key is ever shown. */
export function maskSecret(value: string | null | undefined): string {
  if (!value) return "";
  return `${"•".repeat(8)}${value.slice(-4)}`;
}

/**
 * Validates a CJ API key by authenticating with it, then stores the key and the tokens it gave (encrypted), the
 * openId lookup hash (for webhooks) and the account's QPS from setting/get. A key the app already holds for another
 * store, or one that authenticates as a CJ account the app already holds, makes this store share that account
 * (cj-account.server.ts): no second getAccessToken, one rate limit.
 */
export async function connectCjAccount(
  db: Db,
  shopDomain: string,
  apiKey: string,
  options: { baseUrl?: string } = {},
): Promise<{ ok: true; qpsLimit: number; sharedWith: string[] } | { ok: false; error: string }> {
  const key = apiKey.trim();
  if (key.length < 8) return { ok: false, error: "Paste the API key from CJ (My CJ → Authorization → API)." };
  const shop = await db.shop.findUniqueOrThrow({
    where: { domain: shopDomain },
    select: { id: true, cjAccountId: true },
  });
  const known = await findAccountByApiKey(db, key);
  if (known) {
    await attachShopToAccount(db, shop.id, known.id);
    const account = await db.cjAccount.findUniqueOrThrow({ where: { id: known.id }, select: { qpsLimit: true } });
    return { ok: true, qpsLimit: account.qpsLimit, sharedWith: await storesSharingAccount(db, shop.id) };
  }
  const probeId = `validate:${shop.id}`;
  const store = createMemoryCredentialStore({ [probeId]: { apiKey: key } });
  const cj = createCjClient({ accountId: probeId, store, baseUrl: options.baseUrl ?? process.env.CJ_API_BASE_URL });
  try {
    const setting = await cj.account.getSettings();
    const record = store.records.get(probeId);
    const tokens = record?.tokens;
    if (!tokens) return { ok: false, error: "CJ did not return tokens for this key." };
    const qpsLimit = setting.setting?.qpsLimit ?? 1;
    const openId = tokens.openId ?? setting.openId ?? null;
    const tokenData = {
      accessTokenEnc: encryptSecret(tokens.accessToken),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshTokenEnc: encryptSecret(tokens.refreshToken),
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      lastAuthAt: record?.lastAuthAt ?? new Date(),
      qpsLimit,
      accountLevel: cjLevelForQps(qpsLimit),
      keyProblem: null,
    };
    const openIdHash = openId ? secretLookupHash(String(openId)) : null;
    const sameAccount = openIdHash
      ? await db.cjAccount.findUnique({ where: { openIdHash }, select: { id: true } })
      : null;
    if (sameAccount) {
      // Another key of a CJ account the app already holds: the account keeps its key and takes the newest tokens.
      await db.cjAccount.update({ where: { id: sameAccount.id }, data: tokenData });
      await attachShopToAccount(db, shop.id, sameAccount.id);
      return { ok: true, qpsLimit, sharedWith: await storesSharingAccount(db, shop.id) };
    }
    const data = {
      ...tokenData,
      apiKeyEnc: encryptSecret(key),
      apiKeyHash: apiKeyLookupHash(key),
      openIdEnc: openId ? encryptSecret(String(openId)) : null,
      openIdHash,
    };
    const current = shop.cjAccountId;
    const sharedNow = current ? (await db.shop.count({ where: { cjAccountId: current } })) > 1 : false;
    if (current && !sharedNow) {
      await db.cjAccount.update({ where: { id: current }, data });
    } else {
      // No account yet, or leaving a shared one for a different CJ account: this store gets its own.
      const created = await db.cjAccount.create({ data, select: { id: true } });
      await attachShopToAccount(db, shop.id, created.id);
    }
    return { ok: true, qpsLimit, sharedWith: [] };
  } catch (error) {
    if (error instanceof CjApiError) {
      const message =
        error.kind === "auth" || (error.code >= 1600001 && error.code <= 1600010) || error.code === 1601000
          ? `CJ did not accept this API key (${error.message}). Check it in CJ and paste it again.`
          : `CJ could not be reached to check the key (${error.message}). Try again in a minute.`;
      return { ok: false, error: message };
    }
    return { ok: false, error: `CJ could not be reached to check the key: ${(error as Error).message}` };
  }
}
