/**
 * CJ Dropshipping webhooks (order and logistics topics share this URL): the raw body is read once and handed over
 * untouched, because `sign` is an HMAC of those exact bytes.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { receiveCjWebhook } from "../fulfillment/tracking/webhook-intake.server";
import { jobQueue } from "../jobs/runtime.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const rawBody = await request.text();
  const answer = await receiveCjWebhook({ db, queue: jobQueue() }, rawBody, request.headers.get("sign"));
  return Response.json(answer.body, { status: answer.status });
};
