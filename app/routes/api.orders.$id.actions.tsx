/**
 * POST /api/orders/:id/actions {"action": "forward"|"approve"|"retry"|"pay"|"refresh"} — the order-page action
 * extension's merchant actions, through the same `runOrderAction` the admin pages use, scoped to the token's shop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import type { ExtensionActionResponse } from "../extension-api/contract";
import { authenticateExtension, errorResponse, extensionDeps, readJsonBody } from "../extension-api/http.server";
import { findOrderViewById } from "../extension-api/order-view.server";
import { ORDER_ACTIONS, type OrderAction, OrderActionError, runOrderAction } from "../fulfillment/actions.server";

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cors } = await authenticateExtension(request);
  try {
    if (request.method !== "POST") throw new OrderActionError("Use POST.", 400);
    const body = await readJsonBody(request);
    const name = body.action;
    if (typeof name !== "string" || !(ORDER_ACTIONS as readonly string[]).includes(name)) {
      throw new OrderActionError(`action must be one of ${ORDER_ACTIONS.join(", ")}.`, 400);
    }
    const deps = extensionDeps();
    const result = await runOrderAction(deps, shop, name as OrderAction, params.id ?? "");
    const order = await findOrderViewById(deps.db, shop, params.id ?? "");
    if (!order) throw new OrderActionError("Order not found", 404);
    return cors(
      Response.json({ message: result.message, queued: result.queued, order } satisfies ExtensionActionResponse),
    );
  } catch (error) {
    return errorResponse(cors, error);
  }
};
