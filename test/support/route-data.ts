/**
 * A route's data as the merchant's browser receives it: a signed embedded URL for the stack's shop, fetched with a
 * browser's User-Agent, its Remix single-fetch (turbo-stream) answer decoded. GET gives the route's loader data
 * (`route`, e.g. "routes/app._index"); a form POSTs to its action.
 */
import { decode } from "turbo-stream";
import { expect } from "vitest";
import { embeddedUrl } from "../../app/runtime/session-token";
import { BROWSER_UA, testApiKey, testAppSecret } from "./app-process";
import { STACK_SHOP, type Stack } from "./stack";

export async function routeData<T>(
  s: Stack,
  path: string,
  route: string,
  form?: Record<string, string> | URLSearchParams,
): Promise<T> {
  const url = await embeddedUrl(s.app.url, path, { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret });
  const res = await fetch(url, {
    method: form ? "POST" : "GET",
    ...(form ? { body: form instanceof URLSearchParams ? form : new URLSearchParams(form) } : {}),
    headers: { "User-Agent": BROWSER_UA },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  const decoded = (await decode(new Response(text).body as ReadableStream<Uint8Array>).catch((error: unknown) => {
    throw new Error(`${path} answered what is not Remix data (${(error as Error).message}): ${text.slice(0, 500)}`);
  })) as { value: unknown; done: Promise<void> };
  await decoded.done;
  const value = decoded.value as Record<string, { data?: unknown }> & { data?: unknown };
  return (form ? value.data : value[route]?.data) as T;
}
