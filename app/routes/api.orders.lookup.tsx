/**
 * GET /api/orders/lookup?shopifyId=gid://shopify/Order/… — the order-page block's view of the order being viewed,
 * for the shop of the session token. `{ order: null }` when the app has no such order for that shop.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ExtensionLookupResponse } from "../extension-api/contract";
import { authenticateExtension, errorResponse, extensionDeps } from "../extension-api/http.server";
import { findOrderViewByShopifyGid, isShopifyOrderGid } from "../extension-api/order-view.server";
import { OrderActionError } from "../fulfillment/actions.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, cors } = await authenticateExtension(request);
  try {
    const gid = new URL(request.url).searchParams.get("shopifyId");
    if (!isShopifyOrderGid(gid)) throw new OrderActionError("shopifyId must be a Shopify order GID.", 400);
    const order = await findOrderViewByShopifyGid(extensionDeps().db, shop, gid);
    return cors(Response.json({ order } satisfies ExtensionLookupResponse));
  } catch (error) {
    return errorResponse(cors, error);
  }
};

// Preflight (OPTIONS) requests reach the action; authenticate.admin answers them with 204 and the CORS headers.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { cors } = await authenticateExtension(request);
  return cors(Response.json({ error: "Method not allowed" }, { status: 405 }));
};
