/** CJ's product connections (`GET /product/conn/connection`), read one way by the Products page and by forwarding. */

export interface CjConnection {
  platformVariantId: string;
  cjVariantId: string;
  cjProductId: string | null;
}

/**
 * CJ's connection list has no documented shape (cj-api-facts): an array, `{list}` or `{content}` are read (`null` or a
 * null list: none). `recognized: false` for anything else, so that nothing is concluded from it (a refresh then
 * forgets no connection).
 */
export function readCjConnections(answer: unknown): { items: CjConnection[]; count: number; recognized: boolean } {
  const record = answer && typeof answer === "object" ? (answer as Record<string, unknown>) : null;
  const list = Array.isArray(answer)
    ? answer
    : Array.isArray(record?.list)
      ? record.list
      : Array.isArray(record?.content)
        ? record.content
        : null;
  if (!list) {
    // No connections: `null`, or a page whose list is null.
    const empty = answer === null || record?.list === null || record?.content === null;
    return { items: [], count: 0, recognized: empty };
  }
  const items: CjConnection[] = [];
  for (const item of list as unknown[]) {
    if (!item || typeof item !== "object") continue;
    const { platformVariantId, cjVariantId, cjProductId } = item as Record<string, unknown>;
    const text = (value: unknown) =>
      typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
    if (!text(platformVariantId) || !text(cjVariantId)) continue;
    items.push({
      platformVariantId: text(platformVariantId),
      cjVariantId: text(cjVariantId),
      cjProductId: text(cjProductId) || null,
    });
  }
  return { items, count: list.length, recognized: true };
}
