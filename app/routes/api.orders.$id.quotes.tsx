/**
 * GET /api/orders/:id/quotes — every shipping option CJ offers for the order (`quoteOrder`, the three freight
 * endpoints); POST {"logisticName"} — the merchant's pick before forwarding (`chooseShippingMethod`). Both scoped to
 * the token's shop, both the functions the admin pages use.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ExtensionActionResponse, ExtensionQuotesResponse } from "../extension-api/contract";
import { authenticateExtension, errorResponse, extensionDeps, readJsonBody } from "../extension-api/http.server";
import { findOrderViewById } from "../extension-api/order-view.server";
import { chooseShippingMethod, OrderActionError, quoteOrder } from "../fulfillment/actions.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, cors } = await authenticateExtension(request);
  try {
    const quotes = await quoteOrder(extensionDeps(), shop, params.id ?? "");
    return cors(Response.json(quotes satisfies ExtensionQuotesResponse));
  } catch (error) {
    return errorResponse(cors, error);
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cors } = await authenticateExtension(request);
  try {
    if (request.method !== "POST") throw new OrderActionError("Use POST.", 400);
    const { logisticName } = await readJsonBody(request);
    if (typeof logisticName !== "string") throw new OrderActionError("Choose one of the quoted shipping methods.");
    const deps = extensionDeps();
    const result = await chooseShippingMethod(deps, shop, params.id ?? "", logisticName);
    const order = await findOrderViewById(deps.db, shop, params.id ?? "");
    if (!order) throw new OrderActionError("Order not found", 404);
    return cors(Response.json({ message: result.message, queued: false, order } satisfies ExtensionActionResponse));
  } catch (error) {
    return errorResponse(cors, error);
  }
};
