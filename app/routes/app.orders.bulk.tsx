/**
 * One merchant action on one order, for the Orders page's bulk actions (the page calls it once per selected order
 * so it can show progress). Answers JSON; another shop's order is 404.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import { ORDER_ACTIONS, type OrderAction, runOrderAction } from "../fulfillment/actions.server";
import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const action = String(form.get("action") ?? "");
  const orderId = String(form.get("orderId") ?? "");
  if (!(ORDER_ACTIONS as readonly string[]).includes(action) || !orderId) {
    return Response.json({ ok: false, message: "Unknown action or order." }, { status: 400 });
  }
  try {
    const result = await runOrderAction(pageDeps(), session.shop, action as OrderAction, orderId);
    return Response.json({ ok: true, message: result.message });
  } catch (error) {
    const status = errorStatus(error);
    if (status >= 500) logger.warn({ orderId, action, err: (error as Error).message }, "order action failed");
    return Response.json({ ok: false, message: (error as Error).message }, { status: status >= 500 ? 502 : status });
  }
};
