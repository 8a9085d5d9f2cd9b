/**
 * The account's address book (seed 002 §6): list, create, update. Fields and lengths from the §6.3 table: firstName,
 * lastName, country, province, city (100), countryCode (two letters; the table's 10), address (200) are required;
 * addressNew (200), zip (30), phone (30), mail (100), isDefault ("0"/"1"), countyTown (100), consigneeId (100) are
 * not. A field too long or missing is 1600100 and nothing is stored. Update needs `id` (an unknown one is 1600300)
 * and every mandatory field again, as the seed says. Setting isDefault "1" makes every other address not default.
 * Create and update answer `true` (§6.4: "create/update returns the address operation result").
 */
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { failure, paramError } from "./envelope.js";

export interface AddressRecord {
  id: string;
  accountId: string;
  firstName: string;
  lastName: string;
  country: string;
  countryCode: string;
  province: string;
  city: string;
  address: string;
  addressNew: string | null;
  zip: string | null;
  phone: string | null;
  mail: string | null;
  isDefault: "0" | "1";
  countyTown: string | null;
  consigneeId: string | null;
}

const REQUIRED: [keyof AddressRecord, number][] = [
  ["firstName", 100],
  ["lastName", 100],
  ["country", 100],
  ["province", 100],
  ["city", 100],
  ["address", 200],
];
const OPTIONAL: [keyof AddressRecord, number][] = [
  ["addressNew", 200],
  ["zip", 30],
  ["phone", 30],
  ["mail", 100],
  ["countyTown", 100],
  ["consigneeId", 100],
];

function checked(body: unknown): Omit<AddressRecord, "id" | "accountId"> {
  if (!body || typeof body !== "object") throw paramError();
  const b = body as Record<string, unknown>;
  const text = (key: string, max: number, required: boolean): string | null => {
    const value = b[key];
    if (value === undefined || value === null || value === "") {
      if (required) throw paramError();
      return null;
    }
    if (typeof value !== "string" || value.length > max || (required && !value.trim())) throw paramError();
    return value;
  };
  const countryCode = text("countryCode", 10, true) as string;
  if (!/^[A-Za-z]{2}$/.test(countryCode)) throw paramError();
  const isDefault = b.isDefault ?? "0";
  if (isDefault !== "0" && isDefault !== "1") throw paramError();
  const fields = Object.fromEntries([
    ...REQUIRED.map(([key, max]) => [key, text(key, max, true)]),
    ...OPTIONAL.map(([key, max]) => [key, text(key, max, false)]),
  ]) as Omit<AddressRecord, "id" | "accountId" | "countryCode" | "isDefault">;
  return { ...fields, countryCode: countryCode.toUpperCase(), isDefault };
}

function store(ctx: EmulatorContext, record: AddressRecord) {
  const book = ctx.state.addresses.filter((a) => a.accountId === record.accountId);
  if (record.isDefault === "1") for (const other of book) other.isDefault = "0";
}

const view = (a: AddressRecord) => ({
  id: a.id,
  name: `${a.firstName} ${a.lastName}`,
  firstName: a.firstName,
  lastName: a.lastName,
  country: a.country,
  countryCode: a.countryCode,
  province: a.province,
  city: a.city,
  countyTown: a.countyTown,
  address: a.address,
  addressNew: a.addressNew,
  zip: a.zip,
  phone: a.phone,
  mail: a.mail,
  isDefault: a.isDefault,
  consigneeId: a.consigneeId,
});

export const listAddresses: Handler = (ctx, req) => {
  const account = accountOf(req);
  return { data: ctx.state.addresses.filter((a) => a.accountId === account.id).map(view) };
};

export const createAddress: Handler = (ctx, req) => {
  const account = accountOf(req);
  const fields = checked(req.body);
  const record: AddressRecord = {
    id: `ADDR${String(ctx.state.next("address")).padStart(6, "0")}`,
    accountId: account.id,
    ...fields,
  };
  store(ctx, record);
  ctx.state.addresses.push(record);
  return { data: true };
};

export const updateAddress: Handler = (ctx, req) => {
  const account = accountOf(req);
  const id = (req.body as Record<string, unknown> | null)?.id;
  if (typeof id !== "string" || !id || id.length > 100) throw paramError();
  const existing = ctx.state.addresses.find((a) => a.accountId === account.id && a.id === id);
  if (!existing) throw failure(1600300);
  const fields = checked(req.body);
  store(ctx, { ...existing, ...fields });
  Object.assign(existing, fields);
  return { data: true };
};
