import { type LoaderFunctionArgs, redirect } from "@remix-run/node";

/** Shopify opens the app at its URL with ?shop=…; the admin lives under /app. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("CJ Fulfillment for Shopify: open the app from your Shopify admin.", {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
};
