/** Shopping §6: account address book (seed 002). */
import { emptyBodyEndpoint, jsonEndpoint } from "./endpoint";
import { createAddressRequest, updateAddressRequest } from "./requests";
import { addressListSchema, anyDataSchema } from "./responses";
import type { CjTransport } from "./transport.server";

const BASE = "/shopping/privateInventory/address";

export function createCjAddressBookApi(transport: CjTransport) {
  return {
    /** 002 §6.1. */
    list: emptyBodyEndpoint(transport, `${BASE}/list`, addressListSchema),
    /** 002 §6.2: "returns the address operation result" (shape not documented). */
    create: jsonEndpoint(transport, "POST", `${BASE}/create`, createAddressRequest, anyDataSchema),
    /** 002 §6.3: `id` plus every mandatory field, even to change only the zip. */
    update: jsonEndpoint(transport, "POST", `${BASE}/update`, updateAddressRequest, anyDataSchema),
  };
}
export type CjAddressBookApi = ReturnType<typeof createCjAddressBookApi>;
