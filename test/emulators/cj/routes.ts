import { createAddress, listAddresses, updateAddress } from "./addresses.js";
import { getAccessToken, logout, refreshAccessToken } from "./auth.js";
import { queryCogsBasicDataOrderInfoList } from "./cogs.js";
import type { Handler } from "./context.js";
import {
  addToCart,
  createPrivateOrder,
  getCart,
  getConfirmation,
  getConfirmationWithCost,
  getCostInfo,
  listLogistics,
  listPrivateOrders,
  removeFromCart,
} from "./inventory.js";
import {
  freightCalculate,
  freightCalculateTip,
  getSupplierLogisticsTemplate,
  partnerFreightCalculate,
  trackInfo,
} from "./logistics.js";
import { makeupCreatePayOrder, makeupList } from "./makeup.js";
import {
  autoMatchMergeOrderList,
  autoMergeQueryProgress,
  autoMergeQueryResult,
  submitMergeOrderBatch,
  submitProgress,
  submitResult,
} from "./merge.js";
import {
  addCart,
  addCartConfirm,
  changeWarehouse,
  confirmOrder,
  createOrderV2,
  createOrderV3,
  deleteOrder,
  getOrderDetail,
  listOrders,
  saveGenerateParentOrder,
} from "./orders.js";
import {
  batchRefreshOutbound,
  cancelOutbound,
  createOutbound,
  outboundAddressList,
  outboundDetail,
  outboundProgress,
  queryOutboundProducts,
  submitOutbound,
} from "./outbound.js";
import { getBalance, payBalance, payBalanceV2 } from "./payment.js";
import {
  createConnection,
  deleteConnection,
  getSettings,
  getShops,
  listConnections,
  queryVariantByVid,
  queryVariants,
  setWebhook,
} from "./products.js";
import { simulatePay, updateSandboxStatus, uploadWaybillInfo } from "./shipping.js";

export interface Route {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Below /api2.0/v1. */
  path: string;
  /** false only for the token endpoints that authenticate by API key / refresh token. */
  auth: boolean;
  handler: Handler;
}

/** Every CJ endpoint the emulator answers; anything else answers 1600101 "Interface not found". */
export const ROUTES: readonly Route[] = [
  { method: "POST", path: "/authentication/getAccessToken", auth: false, handler: getAccessToken },
  { method: "POST", path: "/authentication/refreshAccessToken", auth: false, handler: refreshAccessToken },
  { method: "POST", path: "/authentication/logout", auth: true, handler: logout },

  { method: "POST", path: "/shopping/order/createOrderV2", auth: true, handler: createOrderV2 },
  { method: "POST", path: "/shopping/order/createOrderV3", auth: true, handler: createOrderV3 },
  { method: "POST", path: "/shopping/order/addCart", auth: true, handler: addCart },
  { method: "POST", path: "/shopping/order/addCartConfirm", auth: true, handler: addCartConfirm },
  { method: "POST", path: "/shopping/order/saveGenerateParentOrder", auth: true, handler: saveGenerateParentOrder },
  { method: "GET", path: "/shopping/order/list", auth: true, handler: listOrders },
  { method: "GET", path: "/shopping/order/getOrderDetail", auth: true, handler: getOrderDetail },
  { method: "DELETE", path: "/shopping/order/deleteOrder", auth: true, handler: deleteOrder },
  { method: "PATCH", path: "/shopping/order/confirmOrder", auth: true, handler: confirmOrder },
  { method: "POST", path: "/shopping/order/changeWarehouse", auth: true, handler: changeWarehouse },
  { method: "POST", path: "/shopping/order/uploadWaybillInfo", auth: true, handler: uploadWaybillInfo },
  {
    method: "POST",
    path: "/shopping/order/queryCogsBasicDataOrderInfoList",
    auth: true,
    handler: queryCogsBasicDataOrderInfoList,
  },
  { method: "POST", path: "/shopping/sandbox/simulatePay", auth: true, handler: simulatePay },
  { method: "POST", path: "/shopping/sandbox/updateStatus", auth: true, handler: updateSandboxStatus },

  {
    method: "POST",
    path: "/shopping/mergeOrder/autoMatchMergeOrderListV3",
    auth: true,
    handler: autoMatchMergeOrderList,
  },
  { method: "POST", path: "/shopping/mergeOrder/autoMergeQueryProgress", auth: true, handler: autoMergeQueryProgress },
  { method: "POST", path: "/shopping/mergeOrder/autoMergeQueryResult", auth: true, handler: autoMergeQueryResult },
  { method: "POST", path: "/shopping/mergeOrder/submitMergeOrderBatchV3", auth: true, handler: submitMergeOrderBatch },
  { method: "POST", path: "/shopping/mergeOrder/submitProgress", auth: true, handler: submitProgress },
  { method: "POST", path: "/shopping/mergeOrder/submitResult", auth: true, handler: submitResult },
  { method: "POST", path: "/shopping/privateInventory/address/list", auth: true, handler: listAddresses },
  { method: "POST", path: "/shopping/privateInventory/address/create", auth: true, handler: createAddress },
  { method: "POST", path: "/shopping/privateInventory/address/update", auth: true, handler: updateAddress },
  { method: "POST", path: "/shopping/privateInventory/addToCart", auth: true, handler: addToCart },
  { method: "POST", path: "/shopping/privateInventory/getCart", auth: true, handler: getCart },
  { method: "POST", path: "/shopping/privateInventory/removeFromCart", auth: true, handler: removeFromCart },
  { method: "POST", path: "/shopping/privateInventory/getConfirmation", auth: true, handler: getConfirmation },
  { method: "POST", path: "/shopping/privateInventory/logistics/list", auth: true, handler: listLogistics },
  { method: "POST", path: "/shopping/privateInventory/getCostInfo", auth: true, handler: getCostInfo },
  {
    method: "POST",
    path: "/shopping/privateInventory/getConfirmationWithCost",
    auth: true,
    handler: getConfirmationWithCost,
  },
  { method: "POST", path: "/shopping/privateInventory/createOrder", auth: true, handler: createPrivateOrder },
  { method: "POST", path: "/shopping/privateInventory/order/list", auth: true, handler: listPrivateOrders },
  {
    method: "POST",
    path: "/shopping/privateInventory/outbound/address/list",
    auth: true,
    handler: outboundAddressList,
  },
  {
    method: "POST",
    path: "/shopping/privateInventory/outbound/product/query",
    auth: true,
    handler: queryOutboundProducts,
  },
  {
    method: "POST",
    path: "/shopping/privateInventory/outbound/product/batch-refresh",
    auth: true,
    handler: batchRefreshOutbound,
  },
  { method: "POST", path: "/shopping/privateInventory/outbound/create", auth: true, handler: createOutbound },
  { method: "POST", path: "/shopping/privateInventory/outbound/progress", auth: true, handler: outboundProgress },
  { method: "POST", path: "/shopping/privateInventory/outbound/submit", auth: true, handler: submitOutbound },
  { method: "POST", path: "/shopping/privateInventory/outbound/detail", auth: true, handler: outboundDetail },
  { method: "POST", path: "/shopping/privateInventory/outbound/cancel", auth: true, handler: cancelOutbound },
  { method: "POST", path: "/shopping/makeup/list", auth: true, handler: makeupList },
  { method: "POST", path: "/shopping/makeup/createPayOrder", auth: true, handler: makeupCreatePayOrder },
  { method: "GET", path: "/shopping/pay/getBalance", auth: true, handler: getBalance },
  { method: "POST", path: "/shopping/pay/payBalance", auth: true, handler: payBalance },
  { method: "POST", path: "/shopping/pay/payBalanceV2", auth: true, handler: payBalanceV2 },

  { method: "POST", path: "/logistic/freightCalculate", auth: true, handler: freightCalculate },
  { method: "POST", path: "/logistic/freightCalculateTip", auth: true, handler: freightCalculateTip },
  { method: "POST", path: "/logistic/partnerFreightCalculate", auth: true, handler: partnerFreightCalculate },
  { method: "POST", path: "/logistic/getSupplierLogisticsTemplate", auth: true, handler: getSupplierLogisticsTemplate },
  { method: "GET", path: "/logistic/trackInfo", auth: true, handler: trackInfo },

  { method: "GET", path: "/product/conn/connection", auth: true, handler: listConnections },
  { method: "POST", path: "/product/conn/connection", auth: true, handler: createConnection },
  { method: "DELETE", path: "/product/conn/connection", auth: true, handler: deleteConnection },
  { method: "GET", path: "/product/variant/query", auth: true, handler: queryVariants },
  { method: "GET", path: "/product/variant/queryByVid", auth: true, handler: queryVariantByVid },
  { method: "GET", path: "/shop/getShops", auth: true, handler: getShops },
  { method: "GET", path: "/setting/get", auth: true, handler: getSettings },
  { method: "POST", path: "/webhook/set", auth: true, handler: setWebhook },
];

export function findRoute(method: string, path: string): Route | undefined {
  return ROUTES.find((r) => r.method === method && r.path === path);
}
