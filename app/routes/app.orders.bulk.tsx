/**
 * One merchant action on one order, for the Orders page's bulk actions (the page calls it once per selected order
 * so it can show progress). Answers JSON; another shop's order is 404. "Pay with balance" is confirmed first: the
 * page asks `pay-preview` for the total, shows it, and sends `confirmed=1`; each payment stays within the caps.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { errorStatus, pageDeps } from "../dashboard/deps.server";
import {
  findShopOrder,
  ORDER_ACTIONS,
  type OrderAction,
  payWithBalance,
  previewBalancePayment,
  runOrderAction,
} from "../fulfillment/actions.server";
import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const action = String(form.get("action") ?? "");
  if (action === "pay-preview") {
    // What "Pay with balance" would spend on the selection, for the confirmation dialog; nothing is paid.
    const ids = form.getAll("orderId").map(String).filter(Boolean);
    if (ids.length === 0) return Response.json({ ok: false, message: "No order selected." }, { status: 400 });
    return Response.json({ ok: true, preview: await previewBalancePayment(pageDeps(), session.shop, ids) });
  }
  const orderId = String(form.get("orderId") ?? "");
  if (!(ORDER_ACTIONS as readonly string[]).includes(action) || !orderId) {
    return Response.json({ ok: false, message: "Unknown action or order." }, { status: 400 });
  }
  try {
    if (action === "pay" && form.get("confirmed") !== "1") {
      // A bulk payment spends the balance: only after the merchant has seen and confirmed the total. (Another
      // shop's order is still "not found" first.)
      await findShopOrder(pageDeps().db, session.shop, orderId);
      return Response.json(
        { ok: false, message: "Confirm the total first: a bulk payment needs the confirmation dialog." },
        { status: 400 },
      );
    }
    const result =
      action === "pay"
        ? await payWithBalance(pageDeps(), session.shop, orderId, { capped: true })
        : await runOrderAction(pageDeps(), session.shop, action as OrderAction, orderId);
    return Response.json({ ok: true, message: result.message });
  } catch (error) {
    const status = errorStatus(error);
    if (status >= 500) logger.warn({ orderId, action, err: (error as Error).message }, "order action failed");
    return Response.json({ ok: false, message: (error as Error).message }, { status: status >= 500 ? 502 : status });
  }
};
