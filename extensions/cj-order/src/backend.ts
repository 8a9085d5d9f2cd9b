/**
 * The extension's calls to the app's `api.*` routes. In the admin, a relative URL passed to fetch() resolves
 * against the app's `application_url` and Shopify adds the `Authorization: Bearer <ID token>` header itself
 * (shopify.dev, admin extensions "App authentication"); the token from `auth.idToken()` is sent explicitly as well
 * so the same client works against any origin (tests, a backend on another domain).
 */
import type {
  ExtensionActionResponse,
  ExtensionLookupResponse,
  ExtensionQuotesResponse,
} from "../../../app/extension-api/contract";

/** The part of the extension API (`shopify` global) the components use. */
export interface ExtensionHost {
  data: { selected: { id: string }[] };
  auth: { idToken: () => Promise<string | null> };
  close?: () => void;
}

export class BackendError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Backend {
  lookup(shopifyOrderId: string): Promise<ExtensionLookupResponse>;
  act(orderId: string, action: "forward" | "approve" | "retry" | "pay" | "refresh"): Promise<ExtensionActionResponse>;
  quotes(orderId: string): Promise<ExtensionQuotesResponse>;
  choose(orderId: string, logisticName: string): Promise<ExtensionActionResponse>;
}

export function createBackend(
  host: Pick<ExtensionHost, "auth">,
  options: { fetch?: typeof fetch; baseUrl?: string } = {},
): Backend {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.baseUrl ?? "";
  async function call<T>(path: string, body?: unknown): Promise<T> {
    const token = await host.auth.idToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new BackendError("The app could not be reached. Check your connection and try again.", 0);
    }
    const answer = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
    if (!res.ok || answer === null) {
      const message =
        answer?.error ??
        (res.status === 401
          ? "Your session expired. Reload the page."
          : `The app answered with an error (${res.status}).`);
      throw new BackendError(message, res.status);
    }
    return answer;
  }
  const order = (id: string) => `/api/orders/${encodeURIComponent(id)}`;
  return {
    lookup: (gid) => call(`/api/orders/lookup?shopifyId=${encodeURIComponent(gid)}`),
    act: (id, action) => call(`${order(id)}/actions`, { action }),
    quotes: (id) => call(`${order(id)}/quotes`),
    choose: (id, logisticName) => call(`${order(id)}/quotes`, { logisticName }),
  };
}
