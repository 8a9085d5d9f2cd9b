/** CJ account levels by QPS: Free/LV0–1 = 1, Plus/LV2 = 2, Prime/LV3 = 4, Advanced/LV4–5 = 6 (cj-api-facts). */
export function cjLevelForQps(qps: number | null): string | null {
  if (qps === null) return null;
  if (qps >= 6) return "Advanced (LV4–5)";
  if (qps >= 4) return "Prime (LV3)";
  if (qps >= 2) return "Plus (LV2)";
  return "Free (LV0–1)";
}
