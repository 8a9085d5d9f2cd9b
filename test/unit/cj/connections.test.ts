/**
 * CJ's connection list has no documented shape (cj-api-facts); the CJ emulator answers `{pageNum, pageSize, total,
 * list}`. The other shapes the refresh tolerates, read without a server.
 */
import { describe, expect, it } from "vitest";
import { readCjConnections } from "../../../app/cj/connections";

const item = { platformVariantId: "7001", cjVariantId: "VID-1", cjProductId: "PID-1", sku: "TSHIRT-WHITE-M" };
const read = { platformVariantId: "7001", cjVariantId: "VID-1", cjProductId: "PID-1" };

describe("reading CJ's connection list", () => {
  it("reads a bare array, a {list} page and a {content} page alike", () => {
    expect(readCjConnections([item])).toEqual({ items: [read], count: 1, recognized: true });
    expect(readCjConnections({ pageNum: 1, total: 1, list: [item] })).toEqual({
      items: [read],
      count: 1,
      recognized: true,
    });
    expect(readCjConnections({ content: [item] })).toEqual({ items: [read], count: 1, recognized: true });
  });

  it("numbers become strings; an entry without a store variant or a CJ variant is skipped but counted", () => {
    const answer = readCjConnections([
      { platformVariantId: 7002, cjVariantId: 12345, cjProductId: null },
      { platformVariantId: "", cjVariantId: "VID-2" },
      { platformVariantId: "7003" },
      "junk",
    ]);
    expect(answer.items).toEqual([{ platformVariantId: "7002", cjVariantId: "12345", cjProductId: null }]);
    expect(answer.count).toBe(4);
  });

  it("no connections (null, a null list) is an answer; any other shape is not, so nothing is concluded from it", () => {
    expect(readCjConnections(null)).toEqual({ items: [], count: 0, recognized: true });
    expect(readCjConnections({ total: 0, list: null })).toEqual({ items: [], count: 0, recognized: true });
    expect(readCjConnections({ records: [item] }).recognized).toBe(false);
    expect(readCjConnections("[]").recognized).toBe(false);
  });
});
