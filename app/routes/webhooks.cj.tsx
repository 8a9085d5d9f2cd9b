/**
 * CJ Dropshipping webhooks (order and logistics topics share this URL): the raw body is read once and handed over
 * untouched, because `sign` is an HMAC of those exact bytes. A failure on our side (database busy or down) is a 503,
 * logged with the real error, so CJ delivers the message again; only a malformed body (400) and a bad sign (401) are
 * the sender's fault.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { readCjWebhookEnvelope, receiveCjWebhook } from "../fulfillment/tracking/webhook-intake.server";
import { jobQueue } from "../jobs/runtime.server";
import { logger } from "../logger.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const rawBody = await request.text();
  try {
    const answer = await receiveCjWebhook({ db, queue: jobQueue() }, rawBody, request.headers.get("sign"));
    return Response.json(answer.body, { status: answer.status });
  } catch (error) {
    const envelope = readCjWebhookEnvelope(rawBody);
    logger.error(
      { messageId: envelope?.messageId, type: envelope?.type, err: error },
      "CJ webhook not recorded; CJ will deliver it again",
    );
    return Response.json(
      { code: 503, result: "error", message: "temporarily unable to record this message" },
      { status: 503, headers: { "Retry-After": "5" } },
    );
  }
};
