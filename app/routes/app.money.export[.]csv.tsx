import type { LoaderFunctionArgs } from "@remix-run/node";
import { pageDeps } from "../dashboard/deps.server";
import { moneyRange, profitCsv, profitRows } from "../money/money-page.server";
import { authenticate } from "../shopify.server";

/** The per-order profit table of a date range as CSV (`?from=YYYY-MM-DD&to=YYYY-MM-DD`); a wrong range is a 400. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { db } = pageDeps();
  const range = moneyRange(new URL(request.url).searchParams);
  if (range.error) return new Response(range.error, { status: 400, headers: { "content-type": "text/plain" } });
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: session.shop }, select: { id: true } });
  const csv = profitCsv(await profitRows(db, shop.id, range));
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="profit-${range.from}-to-${range.to}.csv"`,
      "cache-control": "no-store",
    },
  });
};
