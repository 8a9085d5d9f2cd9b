import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAppPage } from "../../support/app-process";
import { routeData } from "../../support/route-data";
import { STACK_SHOP, type Stack, startStack } from "../../support/stack";

type Saved = { ok: boolean; message: string; errors?: Record<string, string> };
const CREATE = "/shopping/privateInventory/address/create";
const UPDATE = "/shopping/privateInventory/address/update";

const GILBERT = {
  firstName: "Gilbert",
  lastName: "Soria",
  country: "United States",
  countryCode: "us",
  province: "OH",
  city: "HUBER HEIGHTS",
  address: "3419 BROADMOOR BLVD1",
  addressNew: "Apt 123",
  zip: "222260",
  phone: "9322331159",
  mail: "test@example.com",
  isDefault: "1",
};

describe("the address book (CJ account, seed 002 §6)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("adds an address with the fields CJ takes, lists it, and updates it with every mandatory field", async () => {
    const created = await routeData<Saved>(s, "/app/addresses.data", "", GILBERT);
    expect(created).toMatchObject({ ok: true, message: "Address of Gilbert Soria added to CJ's address book." });
    expect(s.cj.requests({ path: CREATE }).map((r) => r.body)).toEqual([{ ...GILBERT, countryCode: "US" }]);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/addresses");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Gilbert Soria");
    expect(page.html).toContain("3419 BROADMOOR BLVD1, Apt 123, 222260 HUBER HEIGHTS, OH");
    const id = s.cj.state.addresses[0]?.id as string;

    // Only the zip changes: CJ wants the id and every mandatory field again (§6.3), and gets them.
    const updated = await routeData<Saved>(s, "/app/addresses.data", "", { ...GILBERT, id, zip: "45424" });
    expect(updated.ok).toBe(true);
    expect(s.cj.requests({ path: UPDATE }).map((r) => r.body)).toEqual([
      { ...GILBERT, countryCode: "US", id, zip: "45424" },
    ]);
    expect(s.cj.state.addresses[0]).toMatchObject({ zip: "45424", firstName: "Gilbert", isDefault: "1" });
  }, 60_000);

  it("a field CJ would refuse is shown on its field and nothing is sent", async () => {
    const before = s.cj.requests({ path: CREATE }).length;
    const bad = await routeData<Saved>(s, "/app/addresses.data", "", {
      ...GILBERT,
      firstName: "",
      countryCode: "USA",
      address: "x".repeat(201),
      phone: "1".repeat(31),
    });
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual({
      firstName: "Required",
      countryCode: "Must be a two-letter country code",
      address: "At most 200 characters",
      phone: "At most 30 characters",
    });
    expect(s.cj.requests({ path: CREATE })).toHaveLength(before);
    expect(s.cj.state.addresses).toHaveLength(1);
  }, 60_000);

  it("CJ's own refusal (an address it no longer has) comes back as a message, and the page still lists the book", async () => {
    const gone = await routeData<Saved>(s, "/app/addresses.data", "", { ...GILBERT, id: "ADDR-GONE" });
    expect(gone.ok).toBe(false);
    expect(gone.message).toMatch(/1600300|not found|does not exist/i);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/addresses");
    expect(page.html).toContain("Gilbert Soria");
  }, 60_000);
});
