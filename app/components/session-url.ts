/**
 * Links between the app's pages keep the embedded-session search params (shop, host, embedded, id_token).
 * Inside the Shopify admin, App Bridge adds the session token to every fetch anyway; opened on its own (the demo,
 * the browser tests) the `id_token` in the URL is what authenticates each navigation's data request.
 */
import { useLocation } from "@remix-run/react";
import { useCallback } from "react";

export const SESSION_PARAMS = ["embedded", "shop", "host", "id_token", "locale"] as const;

export function withSession(to: string, currentSearch: string): string {
  const current = new URLSearchParams(currentSearch);
  const [path = "", query = ""] = to.split("?");
  const params = new URLSearchParams(query);
  for (const key of SESSION_PARAMS) {
    const value = current.get(key);
    if (value !== null && !params.has(key)) params.set(key, value);
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** `url("/app/orders?tab=held")` → the same URL with the current session params. */
export function useSessionUrl() {
  const { search } = useLocation();
  return useCallback((to: string) => withSession(to, search), [search]);
}
