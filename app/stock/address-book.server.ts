/**
 * The CJ account's address book (seed 002 §6), used by outbound shipments of private stock (§8). CJ keeps the book:
 * the page reads it live and writes through `address/create` and `address/update`. Every field is checked against
 * §6.3's table (required, length, two-letter country code) before anything is sent; a wrong field comes back to the
 * form with its message, and CJ is not called.
 */

import type { CjClient } from "../cj";
import { createAddressRequest, updateAddressRequest } from "../cj/requests";
import type { Db } from "../db.server";
import { ADDRESS_FIELDS, type AddressField } from "./address-fields";

export { ADDRESS_FIELDS, type AddressField } from "./address-fields";

export interface AddressDeps {
  db: Db;
  ports: { cj(shopId: string): Promise<CjClient> };
}

async function cjOf(deps: AddressDeps, shopDomain: string) {
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  return deps.ports.cj(shop.id);
}

export async function listAddresses(deps: AddressDeps, shopDomain: string) {
  const cj = await cjOf(deps, shopDomain);
  return (await cj.addressBook.list()).map((a) => ({
    id: a.id ?? "",
    name: a.name ?? [a.firstName, a.lastName].filter(Boolean).join(" "),
    firstName: a.firstName ?? "",
    lastName: a.lastName ?? "",
    country: a.country ?? "",
    countryCode: a.countryCode ?? "",
    province: a.province ?? "",
    city: a.city ?? "",
    address: a.address ?? "",
    addressNew: a.addressNew ?? "",
    zip: a.zip ?? "",
    phone: a.phone ?? "",
    mail: a.mail ?? "",
    countyTown: a.countyTown ?? "",
    consigneeId: a.consigneeId ?? "",
    isDefault: String(a.isDefault ?? "0") === "1",
  }));
}

export type SaveAddressResult =
  | { ok: true; message: string }
  | { ok: false; message: string; errors: Partial<Record<AddressField | "id", string>> };

/** Creates (no `id`) or updates an address from the form's values; field errors come back without calling CJ. */
export async function saveAddress(
  deps: AddressDeps,
  shopDomain: string,
  form: Partial<Record<AddressField | "id" | "isDefault", string>>,
): Promise<SaveAddressResult> {
  const values: Record<string, string> = {};
  for (const key of ADDRESS_FIELDS) {
    const value = (form[key] ?? "").trim();
    if (value) values[key] = key === "countryCode" ? value.toUpperCase() : value;
  }
  values.isDefault = form.isDefault === "1" || form.isDefault === "true" ? "1" : "0";
  const id = (form.id ?? "").trim();
  const parsed = id ? updateAddressRequest.safeParse({ id, ...values }) : createAddressRequest.safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<AddressField | "id", string>> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "") as AddressField;
      errors[key] ??=
        issue.message === "required" || issue.code === "invalid_type" ? "Required" : sentence(issue.message);
    }
    return { ok: false, message: "Some fields need a change before CJ can save this address.", errors };
  }
  const cj = await cjOf(deps, shopDomain);
  if (id) await cj.addressBook.update(parsed.data as Parameters<CjClient["addressBook"]["update"]>[0]);
  else await cj.addressBook.create(parsed.data);
  const name = `${values.firstName} ${values.lastName}`;
  return {
    ok: true,
    message: id ? `Address of ${name} updated in CJ's address book.` : `Address of ${name} added to CJ's address book.`,
  };
}

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);
