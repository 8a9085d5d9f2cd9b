/** The address book's fields (seed 002 §6.3), shared by the page and the server. */
export const ADDRESS_FIELDS = [
  "firstName",
  "lastName",
  "country",
  "countryCode",
  "province",
  "city",
  "address",
  "addressNew",
  "zip",
  "phone",
  "mail",
  "countyTown",
  "consigneeId",
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** The fields CJ requires to create or update an address (seed 002 §6.3). */
export const REQUIRED_ADDRESS_FIELDS: readonly AddressField[] = [
  "firstName",
  "lastName",
  "country",
  "countryCode",
  "province",
  "city",
  "address",
];
