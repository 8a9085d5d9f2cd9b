import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shopifyCompanyFor, trackingForShipment } from "../../../app/fulfillment/tracking/carriers";
import { nextPollDelayMs } from "../../../app/fulfillment/tracking/poll.server";
import {
  cjReportsDispatched,
  fulfillmentEventForTrackingStatus,
  isFinalTrackingStatus,
  orderStateForCjStatus,
  trackingStatusFromTrackInfo,
} from "../../../app/fulfillment/tracking/status";

const schema = readFileSync(new URL("../../emulators/shopify/schema/admin-2026-10.graphql", import.meta.url), "utf8");
/** Shopify's carrier list, from the FulfillmentTrackingInfo.company description of the real schema. */
const shopifyCompanies = new Set([...schema.matchAll(/^\s+\* (.+)$/gm)].map((m) => (m[1] ?? "").trim()));

describe("carrier mapping", () => {
  it.each([
    ["USPS", "USPS"],
    ["USPS+", "USPS"],
    ["UPS", "UPS"],
    ["FedEx", "FedEx"],
    ["DHL Official", "DHL Express"],
    ["DHL eCommerce Asia", "DHL eCommerce Asia"],
    ["YunExpress", "YunExpress"],
    ["YunExpress Standard", "YunExpress"],
    ["4PX", "4PX"],
    ["China Post", "China Post"],
    ["ePacket", "China Post"],
    ["SF Express", "SF Express"],
    ["PostNL", "PostNL"],
    ["Royal Mail", "Royal Mail"],
  ])("CJ %s → Shopify %s, spelled as in Shopify's list", (cj, shopify) => {
    expect(shopifyCompanyFor(cj)).toBe(shopify);
    expect(shopifyCompanies.has(shopify)).toBe(true);
  });

  it("every company the table can answer is in Shopify's list", () => {
    const names = ["usps", "dhl", "anjun", "sfc", "yifan", "ck1", "evri", "japan post", "bpost", "asendia", "postnord"];
    for (const name of names) {
      const company = shopifyCompanyFor(name);
      expect(company && shopifyCompanies.has(company), `${name} → ${company}`).toBe(true);
    }
  });

  it.each(["CJPacket Ordinary", "CJPacket Sensitive", "Yanwen", "", null])("unknown carrier %s → null", (name) => {
    expect(shopifyCompanyFor(name)).toBeNull();
  });

  it("unknown carriers keep CJ's name and always get an explicit URL", () => {
    expect(trackingForShipment({ trackingNumber: "CJPKL1", logisticName: "CJPacket Ordinary" })).toEqual({
      company: "CJPacket Ordinary",
      number: "CJPKL1",
      url: "https://www.cjpacket.com/?trackingNumber=CJPKL1",
    });
    expect(trackingForShipment({ trackingNumber: "YW1", logisticName: "Yanwen" })).toEqual({
      company: "Yanwen",
      number: "YW1",
      url: "https://t.17track.net/en#nums=YW1",
    });
    expect(trackingForShipment({ trackingNumber: "X1" }).company).toBe("Other");
  });

  it("uses CJ's trackingUrl when it is for this number, and the last-mile carrier and number once known", () => {
    expect(
      trackingForShipment({
        trackingNumber: "YT1",
        logisticName: "YunExpress",
        trackingUrl: "https://cj.example/t?n=YT1",
      }),
    ).toEqual({ company: "YunExpress", number: "YT1", url: "https://cj.example/t?n=YT1" });
    expect(
      trackingForShipment({
        trackingNumber: "YT1",
        logisticName: "YunExpress",
        trackingUrl: "https://cj.example/other",
      }).url,
    ).toBe("https://t.17track.net/en#nums=YT1");
    expect(
      trackingForShipment({
        trackingNumber: "CJPKL1",
        logisticName: "CJPacket Ordinary",
        lastMileCarrier: "USPS",
        lastTrackNumber: "9400111",
      }),
    ).toEqual({ company: "USPS", number: "9400111", url: "https://t.17track.net/en#nums=9400111" });
  });
});

describe("status mapping", () => {
  it("CJ order status → our state", () => {
    expect(orderStateForCjStatus("UNSHIPPED")).toBe("PAID");
    expect(orderStateForCjStatus("SHIPPED")).toBe("SHIPPED");
    expect(orderStateForCjStatus("DELIVERED")).toBe("DELIVERED");
    expect(orderStateForCjStatus("CANCELLED")).toBe("CANCELLED");
    expect(orderStateForCjStatus("UNPAID")).toBeNull();
    expect(orderStateForCjStatus(null)).toBeNull();
  });

  it("dispatched: ORDER SHIPPED/DELIVERED or any LOGISTIC status past 0", () => {
    expect(cjReportsDispatched("SHIPPED", null)).toBe(true);
    expect(cjReportsDispatched("UNSHIPPED", null)).toBe(false);
    expect(cjReportsDispatched(null, 0)).toBe(false);
    expect(cjReportsDispatched(null, 1)).toBe(true);
  });

  it("trackingStatus 0–14 → Shopify fulfillment event status", () => {
    const mapped = Array.from({ length: 15 }, (_, i) => fulfillmentEventForTrackingStatus(i));
    expect(mapped).toEqual([
      null,
      "CONFIRMED",
      "CARRIER_PICKED_UP",
      "DELAYED",
      "IN_TRANSIT",
      "IN_TRANSIT",
      "IN_TRANSIT",
      "IN_TRANSIT",
      "IN_TRANSIT",
      "IN_TRANSIT",
      "OUT_FOR_DELIVERY",
      "READY_FOR_PICKUP",
      "DELIVERED",
      "FAILURE",
      "FAILURE",
    ]);
    // Every status we send exists in the schema's FulfillmentEventStatus enum.
    const enumBody = /enum FulfillmentEventStatus \{([\s\S]*?)\}/.exec(schema)?.[1] ?? "";
    for (const status of mapped.filter(Boolean)) expect(enumBody).toContain(`  ${status}\n`);
  });

  it("trackInfo's words → trackingStatus, keeping a more precise in-transit status", () => {
    expect(trackingStatusFromTrackInfo("Delivered", 10)).toBe(12);
    expect(trackingStatusFromTrackInfo("Exception", 6)).toBe(13);
    expect(trackingStatusFromTrackInfo("Returned", 6)).toBe(14);
    expect(trackingStatusFromTrackInfo("In transit", 7)).toBe(7);
    expect(trackingStatusFromTrackInfo("In transit", 1)).toBe(5);
    expect(trackingStatusFromTrackInfo("10", null)).toBe(10);
    expect(trackingStatusFromTrackInfo("No information", null)).toBeNull();
    expect(isFinalTrackingStatus(12)).toBe(true);
    expect(isFinalTrackingStatus(14)).toBe(true);
    expect(isFinalTrackingStatus(13)).toBe(false);
  });

  it("polls young parcels often and old ones rarely", () => {
    const now = new Date("2026-11-30T00:00:00Z");
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const delays = [null, 1, 5, 20, 60].map((d) => nextPollDelayMs({ shippedAt: d === null ? null : daysAgo(d) }, now));
    expect(delays.map((ms) => ms / 60_000)).toEqual([30, 60, 240, 720, 1440]);
  });
});
