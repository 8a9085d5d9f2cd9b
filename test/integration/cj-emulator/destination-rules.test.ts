import { afterEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { CASE_VID, cj, control, login, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

interface Tip {
  expression: string | null;
  interceptType: string;
  max: string | null;
  min: string | null;
  msgCode: string;
  msgEn: string;
  type: string;
}

interface TipOption {
  option: { enName: string };
  ruleTipTypes: string[];
  ruleTips: Tip[];
  allRuleTips: Tip[];
}

/** The seed's freightCalculateTip request, with a destination and the request's own rule values. */
function tipBody(destAreaCode: string, values: Data = {}) {
  return {
    reqDTOS: [
      {
        srcAreaCode: "CN",
        destAreaCode,
        volume: 0.06,
        productProp: ["COMMON"],
        freightTrialSkuList: [{ skuQuantity: 1, vid: CASE_VID }],
        skuList: ["CJJT169305601AZ"],
        platforms: ["Shopify"],
        ...values,
      },
    ],
  };
}

describe("CJ emulator: destination rules in freightCalculateTip (seed 001 §1.2, 003)", () => {
  let emulator: CjEmulator;
  afterEach(() => emulator.close());

  const tip = async (token: string, destination: string, values: Data = {}) => {
    const answer = await cj(emulator, "/logistic/freightCalculateTip", { token, body: tipBody(destination, values) });
    expect(answer.json.code).toBe(200);
    return answer.json.data as TipOption[];
  };

  it("a US destination needs nothing", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    const options = await tip(token, "US");
    expect(options.length).toBeGreaterThan(0);
    for (const option of options) {
      expect(option).toMatchObject({ ruleTipTypes: [], ruleTips: [], allRuleTips: [] });
    }
  });

  it("BR requires a CPF/CNPJ and a house number; ruleTips lists only what the request's own values fail", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    const bare = await tip(token, "BR");
    for (const option of bare) {
      expect(option.ruleTipTypes).toEqual(["dutyNo", "houseNumber"]);
      expect(option.allRuleTips).toEqual([
        {
          expression: "^(\\d{11}|\\d{14})$",
          interceptType: "0",
          max: null,
          min: null,
          msgCode: expect.stringMatching(/^\d+$/),
          msgEn: expect.stringContaining("CPF"),
          type: "dutyNo",
        },
        {
          expression: null,
          interceptType: "0",
          max: null,
          min: null,
          msgCode: expect.stringMatching(/^\d+$/),
          msgEn: expect.any(String),
          type: "houseNumber",
        },
      ]);
      // Absent values fail strong rules.
      expect(option.ruleTips.map((t) => t.type)).toEqual(["dutyNo", "houseNumber"]);
    }
    const cpf = await tip(token, "BR", { dutyNo: "12345678901", houseNumber: "100" });
    expect(cpf.every((o) => o.ruleTips.length === 0)).toBe(true);
    const cnpj = await tip(token, "BR", { dutyNo: "12345678000195", houseNumber: "100" });
    expect(cnpj.every((o) => o.ruleTips.length === 0)).toBe(true);
    const formatted = await tip(token, "BR", { dutyNo: "123.456.789-01", houseNumber: "100" });
    expect(formatted[0]?.ruleTips.map((t) => t.type)).toEqual(["dutyNo"]);
    expect(formatted[0]?.allRuleTips).toHaveLength(2);
  });

  it("KR checks the PCCC, CN the 18-character ID, MX and CL only that a tax ID is there", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    const kr = await tip(token, "KR", { dutyNo: "P123456789012" });
    expect(kr[0]).toMatchObject({ ruleTipTypes: ["dutyNo"], ruleTips: [] });
    expect(kr[0]?.allRuleTips[0]).toMatchObject({ type: "dutyNo", expression: "^[Pp]\\d{12}$", interceptType: "0" });
    expect((await tip(token, "KR", { dutyNo: "123456789012" }))[0]?.ruleTips).toHaveLength(1);

    expect((await tip(token, "CN", { dutyNo: "11010519491231002X" }))[0]?.ruleTips).toEqual([]);
    const cn = await tip(token, "CN", { dutyNo: "1101051949123100" });
    expect(cn[0]?.ruleTips[0]).toMatchObject({ type: "dutyNo", expression: "^\\d{17}[\\dXx]$" });

    for (const country of ["MX", "CL"]) {
      const missing = await tip(token, country);
      expect(missing[0]?.allRuleTips).toEqual([expect.objectContaining({ type: "dutyNo", expression: null })]);
      expect(missing[0]?.ruleTips.map((t) => t.type)).toEqual(["dutyNo"]);
      expect((await tip(token, country, { dutyNo: "anything" }))[0]?.ruleTips).toEqual([]);
    }
    for (const country of ["DE", "GB", "SG"]) {
      expect((await tip(token, country))[0]).toMatchObject({ ruleTipTypes: [], allRuleTips: [] });
    }
  });

  it("start option destinationRules replaces the defaults country by country", async () => {
    emulator = await startTestEmulator({
      destinationRules: {
        BR: [],
        DE: [{ type: "email", interceptType: "0" }],
      },
    });
    const token = await login(emulator);
    expect((await tip(token, "BR"))[0]).toMatchObject({ ruleTipTypes: [], allRuleTips: [] });
    expect((await tip(token, "KR"))[0]?.ruleTipTypes).toEqual(["dutyNo"]);
    const de = await tip(token, "DE");
    expect(de[0]?.ruleTipTypes).toEqual(["email"]);
    expect(de[0]?.ruleTips.map((t) => t.type)).toEqual(["email"]);
    expect((await tip(token, "DE", { email: "a@example.com" }))[0]?.ruleTips).toEqual([]);
    const rules = (await control(emulator, "/destination-rules")).json as Record<string, unknown[]>;
    expect(rules.BR).toEqual([]);
    expect(rules.DE).toEqual([
      {
        type: "email",
        expression: null,
        interceptType: "0",
        msgCode: expect.any(String),
        msgEn: expect.any(String),
        min: null,
        max: null,
        logisticNames: null,
      },
    ]);
  });

  it("the control route sets rules, per logistic name too; a not-strong rule fails only on a bad value", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    const set = await control(emulator, "/destination-rules", {
      body: {
        rules: {
          US: [
            {
              type: "phone",
              expression: "^[\\s\\d\\-()+]{6,32}$",
              interceptType: "1",
              msgEn: "Must be a 6-32 digit number (only numbers, symbols and spaces are supported).",
              logisticNames: ["USPS+"],
            },
            { type: "zip", expression: "^\\d{5}(-\\d{4})?$", interceptType: "0", logisticNames: ["usps+"] },
          ],
        },
      },
    });
    expect(set.status).toBe(200);
    expect((set.json as Record<string, unknown[]>).BR).toHaveLength(2);

    const options = await tip(token, "US");
    const usps = options.find((o) => o.option.enName === "USPS+");
    const others = options.filter((o) => o.option.enName !== "USPS+");
    expect(usps?.ruleTipTypes).toEqual(["phone", "zip"]);
    expect(usps?.ruleTips.map((t) => t.type)).toEqual(["zip"]);
    expect(usps?.allRuleTips[0]).toMatchObject({ type: "phone", interceptType: "1", msgCode: "1001" });
    expect(others.length).toBeGreaterThan(0);
    for (const option of others) expect(option).toMatchObject({ ruleTipTypes: [], allRuleTips: [] });

    const badPhone = (await tip(token, "US", { phone: "12", zip: "10001" })).find((o) => o.option.enName === "USPS+");
    expect(badPhone?.ruleTips.map((t) => t.type)).toEqual(["phone"]);
    const good = (await tip(token, "US", { phone: "+1 212 555 0100", zip: "10001-1234" })).find(
      (o) => o.option.enName === "USPS+",
    );
    expect(good?.ruleTips).toEqual([]);

    // replace: true drops the defaults too.
    await control(emulator, "/destination-rules", { body: { rules: { FR: [{ type: "phone" }] }, replace: true } });
    expect(Object.keys((await control(emulator, "/destination-rules")).json as Data)).toEqual(["FR"]);
    expect((await tip(token, "BR"))[0]?.ruleTipTypes).toEqual([]);
    // Reset restores the defaults.
    await control(emulator, "/reset", { body: {} });
    const again = await login(emulator);
    expect((await tip(again, "BR"))[0]?.ruleTipTypes).toEqual(["dutyNo", "houseNumber"]);
  });

  it("refuses a malformed rule with 400 naming it", async () => {
    emulator = await startTestEmulator();
    const badType = await control(emulator, "/destination-rules", { body: { rules: { BR: [{ type: "passport" }] } } });
    expect(badType.status).toBe(400);
    expect((badType.json as Data).error).toMatch(/destinationRules\.BR\[0\]: type must be one of/);
    const badRegex = await control(emulator, "/destination-rules", {
      body: { rules: { BR: [{ type: "dutyNo", expression: "([" }] } },
    });
    expect(badRegex.status).toBe(400);
    expect((badRegex.json as Data).error).toMatch(/expression/);
    expect((await control(emulator, "/destination-rules")).json).toHaveProperty("BR.length", 2);
  });
});
