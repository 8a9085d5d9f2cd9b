import "@shopify/shopify-app-remix/adapters/node";
import { LogSeverity, shopifyApi, WebhookValidationErrorReason } from "@shopify/shopify-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import db from "./db.server";
import { logger } from "./logger.server";
import { EncryptedPrismaSessionStorage, LibrarySessionStorage } from "./secrets/session-storage.server";
import { recordInstall } from "./settings/shops.server";

export const SHOPIFY_API_VERSION = ApiVersion.October26;

const adminOrigin = process.env.SHOPIFY_ADMIN_API_ORIGIN?.replace(/\/+$/, "");
if (adminOrigin) {
  logger.warn(
    { origin: adminOrigin },
    "SHOPIFY_ADMIN_API_ORIGIN is set: Admin GraphQL and token requests go to this origin instead of Shopify. Never set it in a real deployment.",
  );
  // The library's own requests to a shop's admin (the token exchange when a merchant opens the app) go there too.
  const libraryFetch = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const rewritten = url.replace(/^https:\/\/[^/]+\.myshopify\.com(?=\/admin\/)/, adminOrigin);
    return libraryFetch(rewritten === url ? input : rewritten, init);
  });
}

export const sessionStorage = new EncryptedPrismaSessionStorage(db);

/** What the app and the webhook check (verifyShopifyWebhook) are configured with alike. */
const appIdentity = {
  apiKey: process.env.SHOPIFY_API_KEY ?? "",
  apiSecretKey: process.env.SHOPIFY_API_SECRET || "",
  apiVersion: SHOPIFY_API_VERSION,
  ...(process.env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] } : {}),
};

const shopify = shopifyApp({
  ...appIdentity,
  scopes: process.env.SCOPES?.split(","),
  appUrl: process.env.SHOPIFY_APP_URL || "",
  authPathPrefix: "/auth",
  sessionStorage: new LibrarySessionStorage(sessionStorage),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Required of public apps from 1 January 2027: 60-minute offline tokens with rotating refresh tokens.
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordInstall(db, { domain: session.shop, scopes: session.scope ?? null });
    },
  },
});

/** A verified Shopify webhook delivery: what its headers say, with the exact body that was signed. */
export interface VerifiedWebhook {
  topic: string;
  shop: string;
  webhookId: string;
  rawBody: string;
  payload: unknown;
}

let webhookApi: ReturnType<typeof shopifyApi> | undefined;

/**
 * Verifies a webhook delivery as `authenticate.webhook` does (POST only; the HMAC of the raw body; Shopify's headers,
 * or 400; a shop domain) with the library's own checks, without loading the shop's offline session. The intake needs
 * no session, and with expiring offline tokens loading one may mean refreshing it: a call to Shopify inside the
 * request Shopify is waiting on. Throws a Response (405, 401, 400) as authenticate.webhook does, a SyntaxError for a
 * body that is not JSON, and InvalidShopError for a shop header that is no shop domain.
 */
export async function verifyShopifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  webhookApi ??= shopifyApi({
    ...appIdentity,
    hostName: new URL(process.env.SHOPIFY_APP_URL || "https://localhost").host,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  });
  const rawBody = await request.text();
  const check = await webhookApi.webhooks.validate({ rawBody, rawRequest: request });
  if (!check.valid) {
    if (check.reason === WebhookValidationErrorReason.InvalidHmac) {
      throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
    }
    const missing = "missingHeaders" in check ? check.missingHeaders.join(", ") : "";
    throw new Response(missing ? `Missing Shopify webhook headers: ${missing}` : "Not a Shopify webhook delivery", {
      status: 400,
    });
  }
  if (!("webhookId" in check)) throw new Response("Not a webhook delivery", { status: 400 });
  const shop = webhookApi.utils.sanitizeShop(check.domain, true) as string;
  return { topic: check.topic, shop, webhookId: check.webhookId, rawBody, payload: JSON.parse(rawBody) };
}

/**
 * `authenticate.admin`, one request per shop at a time in this process. A page's loaders (the layout's and the
 * page's) authenticate in parallel; for a shop whose session must be (re)made, each would do its own token exchange,
 * and Shopify's newer pair revokes the older one — the older, stored last, would leave the shop with a dead token.
 * In turn, the second finds the first's fresh session. Authenticating a valid session takes no network call.
 */
const adminInTurn = new Map<string, Promise<unknown>>();
const authenticateAdmin = shopify.authenticate.admin;

function shopOfRequest(request: Request): string | null {
  const url = new URL(request.url);
  const fromQuery = url.searchParams.get("shop");
  if (fromQuery) return fromQuery;
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+([^.]+)\.([^.]+)\./i);
  if (!bearer?.[2]) return null;
  try {
    const payload = JSON.parse(Buffer.from(bearer[2], "base64url").toString("utf8")) as { dest?: unknown };
    return typeof payload.dest === "string" ? payload.dest.replace(/^https:\/\//, "") : null;
  } catch {
    return null; // authenticate.admin refuses it properly
  }
}

const admin = ((request: Request) => {
  const shop = shopOfRequest(request);
  if (!shop) return authenticateAdmin(request);
  const before = adminInTurn.get(shop) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(() => authenticateAdmin(request));
  adminInTurn.set(shop, mine);
  void mine
    .catch(() => {})
    .finally(() => {
      if (adminInTurn.get(shop) === mine) adminInTurn.delete(shop);
    });
  return mine;
}) as typeof shopify.authenticate.admin;

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = { ...shopify.authenticate, admin };
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
