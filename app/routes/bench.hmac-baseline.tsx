/**
 * Benchmark baseline (test/bench/webhook-intake.bench.ts): a webhook route that only verifies the HMAC and answers
 * 200, to compare the order intake against. It exists only when ENABLE_BENCH_ROUTES=1; otherwise it answers 404.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

const enabled = () => process.env.ENABLE_BENCH_ROUTES === "1";

export const loader = () => new Response(null, { status: enabled() ? 405 : 404 });

export const action = async ({ request }: ActionFunctionArgs) => {
  if (!enabled()) return new Response(null, { status: 404 });
  await authenticate.webhook(request);
  return new Response(null, { status: 200 });
};
