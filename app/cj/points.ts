/**
 * CJ's daily points (cj-api-facts "Rate limits", from mid-2026): 50,000 base points a day per account, reset at 00:00
 * UTC; freight quotes and product/variant queries cost 10 points each, everything else (orders, tracking, payment)
 * nothing. The app counts what it spends per account and day (fulfillment/points.server.ts).
 */
export const CJ_POINT_COSTS: Readonly<Record<string, number>> = {
  "/logistic/freightCalculate": 10,
  "/logistic/freightCalculateTip": 10,
  "/logistic/partnerFreightCalculate": 10,
  "/logistic/getSupplierLogisticsTemplate": 10,
  "/product/variant/query": 10,
  "/product/variant/queryByVid": 10,
  "/product/query": 10,
  "/product/list": 10,
  "/product/listV2": 10,
};

export function pointCostOf(path: string): number {
  return CJ_POINT_COSTS[path] ?? 0;
}
