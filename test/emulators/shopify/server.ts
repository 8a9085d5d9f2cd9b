import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DocumentNode,
  execute,
  type FragmentDefinitionNode,
  GraphQLError,
  getOperationAST,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { type BuildOrderInput, buildOrder } from "./build-order";
import { addProduct, type ProductInput, productsOf, withCatalogue } from "./catalogue";
import { operationCost } from "./cost";
import { adminSchema, emulatorFieldResolver, type GraphContext, rootValue } from "./graph";
import type { CatalogueProduct, FulfillmentOrderStatus, Order, Shop } from "./model";
import {
  defaultApps,
  defaultLifetimes,
  type OAuthApp,
  OAuthTokens,
  parseTokenParams,
  type RecordedTokenRequest,
  type SessionTokenClaims,
  signSessionToken,
  type TokenLifetimes,
} from "./oauth";
import { type BucketConfig, defaultBucket, EmulatorState, type RecordedRequest } from "./state";
import { toOrderWebhookPayload } from "./webhook-payload";
import { type SendWebhookInput, type SentWebhook, sendWebhook } from "./webhooks";

export const emulatedApiVersion = "2026-10";
// Shopify's single-query limit (shopify.dev "API rate limits": "a single query may not exceed a cost of 1,000").
const maxSingleQueryCost = 1000;

export interface ShopifyEmulatorOptions {
  port?: number;
  host?: string;
  bucket?: Partial<BucketConfig>;
  /**
   * `currencyCode` is the shop currency (default USD), also the default of orders built for the shop; `products` its
   * catalogue (seeded again by `reset()`).
   */
  shops?: { domain: string; accessToken: string; name?: string; currencyCode?: string; products?: ProductInput[] }[];
  now?: () => number;
  /** The apps the token endpoint knows; default one app, `test-api-key` / `test-app-secret`. */
  apps?: OAuthApp[];
  /** Lifetime of expiring offline access tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** Lifetime of refresh tokens; default 90 days. */
  refreshTokenTtlSeconds?: number;
}

export interface ShopifyEmulator {
  /** `http://127.0.0.1:<port>`: the value for SHOPIFY_ADMIN_API_ORIGIN. */
  origin: string;
  url: string;
  graphqlUrl: string;
  /** `<origin>/admin/oauth/access_token`: Shopify's `https://<shop>/admin/oauth/access_token`. */
  tokenUrl: string;
  port: number;
  state: EmulatorState;
  oauth: OAuthTokens;
  addShop(domain: string, accessToken: string, name?: string, currencyCode?: string): Shop;
  /**
   * An order; lines of a built order that name a catalogue variant (`variantId`) take its SKU, titles, price and
   * product from the catalogue unless given.
   */
  addOrder(shop: string, order: Order | BuildOrderInput): Order;
  /** Adds a product and its variants to the shop's catalogue (ids: `product.id`, `product.variants[i].id`). */
  addProduct(shop: string, product: ProductInput): CatalogueProduct;
  products(shop: string): CatalogueProduct[];
  requests(filter?: { shop?: string; operationName?: string }): RecordedRequest[];
  throttle(shop: string, count?: number): void;
  tokenRequests(filter?: { shop?: string; grantType?: string }): RecordedTokenRequest[];
  /** Revokes the shop's refresh tokens (and with `accessTokens: true` its access tokens: an uninstall). */
  revokeRefreshTokens(
    shop: string,
    options?: { accessTokens?: boolean },
  ): { shop: string; refreshTokens: number; accessTokens: number };
  configureOAuth(lifetimes: Partial<TokenLifetimes>): TokenLifetimes;
  /** A session token for `shop`, signed for the first app (or `clientId` / `clientSecret`). */
  signSessionToken(
    shop: string,
    options?: { clientId?: string; clientSecret?: string; ttlSeconds?: number; claims?: Partial<SessionTokenClaims> },
  ): string;
  sendWebhook(input: SendWebhookInput): Promise<SentWebhook>;
  reset(): void;
  close(): Promise<void>;
}

const isOrder = (value: Order | BuildOrderInput): value is Order =>
  "id" in value && typeof value.id === "string" && "fulfillmentOrders" in value;

export async function startShopifyEmulator(options: ShopifyEmulatorOptions = {}): Promise<ShopifyEmulator> {
  const schema = adminSchema();
  const now = options.now ?? Date.now;
  const state = new EmulatorState({ ...defaultBucket, ...options.bucket }, now);
  const apps = options.apps ?? defaultApps;
  const oauth = new OAuthTokens(
    state,
    apps,
    {
      tokenTtlSeconds: options.tokenTtlSeconds ?? defaultLifetimes.tokenTtlSeconds,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? defaultLifetimes.refreshTokenTtlSeconds,
    },
    now,
  );
  const newProduct = (shop: string, input: ProductInput) => {
    const known = state.shops.get(shop) ?? state.addShop({ domain: shop });
    return addProduct(state, shop, input, known.currencyCode);
  };
  const seed = () => {
    for (const shop of options.shops ?? []) {
      state.addShop({
        domain: shop.domain,
        accessToken: shop.accessToken,
        name: shop.name,
        currencyCode: shop.currencyCode,
      });
      for (const product of shop.products ?? []) newProduct(shop.domain, product);
    }
  };
  seed();
  const reset = () => {
    state.reset();
    oauth.reset();
    seed();
  };
  const sessionToken = (
    shop: string,
    input: { clientId?: string; clientSecret?: string; ttlSeconds?: number; claims?: Partial<SessionTokenClaims> } = {},
  ) => {
    const app = apps.find((candidate) => candidate.clientId === input.clientId) ?? apps[0];
    return signSessionToken({
      shop,
      clientId: input.clientId ?? app?.clientId,
      clientSecret: input.clientSecret ?? app?.clientSecret,
      nowMs: now(),
      ttlSeconds: input.ttlSeconds,
      claims: input.claims,
    });
  };

  // An order built without currencyCode is in the shop's currency (USD unless the shop was given another).
  const addOrder = (shop: string, order: Order | BuildOrderInput) =>
    state.addOrder(
      shop,
      isOrder(order)
        ? order
        : buildOrder({
            ...order,
            currencyCode: order.currencyCode ?? state.shops.get(shop)?.currencyCode,
            lines: withCatalogue(state, shop, order.lines),
          }),
    );

  const deliverWebhook = async (input: SendWebhookInput) => {
    const sent = await sendWebhook(input);
    state.webhooks.push({
      topic: input.topic,
      shop: input.shop,
      url: new URL(input.path, input.appUrl).toString(),
      status: sent.status,
      webhookId: sent.webhookId,
    });
    return sent;
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { errors: [{ message: String(error) }] });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator");
    const graphqlPath = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (graphqlPath) return handleGraphql(request, response, graphqlPath[1] ?? "");
    if (url.pathname === "/admin/oauth/access_token") return handleToken(request, response);
    if (url.pathname.startsWith("/__emulator/")) return handleControl(request, response, url);
    send(response, 404, { errors: "Not Found" });
  }

  async function handleToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = { "cache-control": "no-store" };
    if (request.method !== "POST") {
      return send(response, 405, { error: "invalid_request", error_description: "Use POST" }, headers);
    }
    const raw = await readBody(request);
    const answer = oauth.handleTokenRequest(parseTokenParams(raw, request.headers["content-type"] ?? ""));
    send(response, answer.status, answer.body, headers);
  }

  async function handleGraphql(request: IncomingMessage, response: ServerResponse, apiVersion: string): Promise<void> {
    const raw = await readBody(request);
    const token = request.headers["x-shopify-access-token"];
    const auth = oauth.authenticate(typeof token === "string" ? token : undefined);
    const shop = auth.shop;
    const record: RecordedRequest = {
      at: new Date(now()).toISOString(),
      shop: auth.domain,
      apiVersion,
      status: 200,
      operationName: null,
      query: "",
      variables: {},
      valid: false,
      validationErrors: [],
      throttled: false,
      requestedQueryCost: null,
      errors: [],
      tokenStatus: auth.status,
      tokenExpired: auth.status === "expired",
    };
    state.requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      if (body && typeof body === "object" && "errors" in body) {
        const errors = (body as { errors: unknown }).errors;
        record.errors = Array.isArray(errors) ? errors : [errors];
      }
      send(response, status, body, { "x-shopify-api-version": emulatedApiVersion });
    };

    if (request.method !== "POST") return reply(405, { errors: "Method Not Allowed" });
    if (!shop) {
      // What Shopify answers for a missing, revoked, expired or unknown Admin API access token.
      return reply(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    if (apiVersion !== emulatedApiVersion) return reply(404, { errors: "Not Found" });

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = (request.headers["content-type"] ?? "").includes("application/graphql")
        ? { query: raw }
        : (JSON.parse(raw) as typeof body);
    } catch {
      return reply(400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const query = typeof body.query === "string" ? body.query : "";
    const variables =
      body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
    const requestedName = typeof body.operationName === "string" ? body.operationName : undefined;
    record.query = query;
    record.variables = variables;
    record.operationName = requestedName ?? null;
    if (!query) return reply(400, { errors: { query: "Required parameter missing or invalid" } });

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      const parseError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      record.validationErrors = [parseError.message];
      return reply(200, { errors: [{ ...parseError.toJSON(), extensions: { code: "parseError" } }] });
    }
    const operation = getOperationAST(document, requestedName);
    record.operationName = requestedName ?? operation?.name?.value ?? null;
    // The brief for this app: anything deprecated is a bug, so the emulator is stricter than Shopify here.
    const validationErrors = validate(schema, document, [...specifiedRules, NoDeprecatedCustomRule]);
    if (validationErrors.length > 0 || !operation) {
      const errors = validationErrors.length
        ? validationErrors.map((error) => ({ ...error.toJSON(), extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }))
        : [{ message: "An operation name is required when the document holds several operations" }];
      record.validationErrors = errors.map((error) => error.message);
      return reply(200, { errors });
    }
    record.valid = true;

    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const costInput = { schema, operation, fragments, variables };
    const requestedQueryCost = operationCost(costInput);
    record.requestedQueryCost = requestedQueryCost;
    if (requestedQueryCost > maxSingleQueryCost) {
      return reply(200, {
        errors: [
          {
            message: `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${maxSingleQueryCost}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requestedQueryCost, maxCost: maxSingleQueryCost },
          },
        ],
      });
    }
    if (!state.takeFromBucket(shop.domain, requestedQueryCost)) {
      record.throttled = true;
      // Shopify's THROTTLED answer: HTTP 200, no data, the cost extension with actualQueryCost null.
      return reply(200, {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: state.throttleStatus(shop.domain) },
        },
      });
    }

    const context: GraphContext = { state, shop };
    const result = await execute({
      schema,
      document,
      operationName: requestedName,
      variableValues: variables,
      rootValue: rootValue(context),
      contextValue: context,
      fieldResolver: emulatorFieldResolver,
    });
    const actualQueryCost =
      operation.operation === "mutation"
        ? requestedQueryCost
        : operationCost(costInput, (result.data ?? null) as Record<string, unknown> | null);
    state.refundToBucket(shop.domain, Math.max(0, requestedQueryCost - actualQueryCost));
    reply(200, {
      ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
      data: result.data ?? null,
      extensions: {
        cost: { requestedQueryCost, actualQueryCost, throttleStatus: state.throttleStatus(shop.domain) },
      },
    });
  }

  function shopOfFulfillmentOrder(id: string): string | undefined {
    for (const { shop, order } of state.orders.values()) {
      if (order.fulfillmentOrders.some((fo) => fo.id === id)) return shop;
    }
    return undefined;
  }

  function findOrderEntry(key: string): { shop: string; order: Order } | undefined {
    const id = key.startsWith("gid://") ? key : `gid://shopify/Order/${key}`;
    return state.orders.get(id);
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split("/").filter(Boolean).slice(1).map(decodeURIComponent);
    const method = request.method ?? "GET";
    const raw = method === "GET" || method === "DELETE" ? "" : await readBody(request);
    let input: Record<string, unknown> = {};
    try {
      input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return send(response, 400, { error: "body must be JSON" });
    }
    const [resource, id, action] = parts;
    const route = `${method} ${resource ?? ""}${id === undefined ? "" : "/:id"}${action === undefined ? "" : `/${action}`}`;
    const str = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : undefined);

    switch (route) {
      case "POST reset":
        reset();
        return send(response, 200, { ok: true });
      case "GET state":
        return send(response, 200, { ...state.snapshot(), oauth: oauth.snapshot() });
      case "GET requests": {
        const shop = url.searchParams.get("shop") ?? undefined;
        const operationName = url.searchParams.get("operationName") ?? undefined;
        return send(response, 200, filterRequests(state.requests, { shop, operationName }));
      }
      case "DELETE requests":
        state.requests.length = 0;
        return send(response, 200, { ok: true });
      case "GET shops":
        return send(response, 200, [...state.shops.values()]);
      case "POST shops": {
        const domain = str("domain") ?? str("shop");
        if (!domain) return send(response, 400, { error: "domain is required" });
        return send(
          response,
          200,
          state.addShop({
            domain,
            accessToken: str("accessToken"),
            name: str("name"),
            currencyCode: str("currencyCode"),
          }),
        );
      }
      case "GET orders": {
        const shop = url.searchParams.get("shop");
        const orders = [...state.orders.values()].filter((entry) => !shop || entry.shop === shop);
        return send(response, 200, orders);
      }
      case "POST orders": {
        const shop = str("shop");
        if (!shop) return send(response, 400, { error: "shop is required" });
        let order: Order;
        try {
          order = addOrder(shop, (input.order ?? input.build ?? {}) as Order | BuildOrderInput);
        } catch (error) {
          return send(response, 400, { error: error instanceof Error ? error.message : String(error) });
        }
        return send(response, 200, { shop, order, webhookPayload: toOrderWebhookPayload(order, shop) });
      }
      case "GET products": {
        const shop = url.searchParams.get("shop");
        const products = [...state.products.values()].filter((entry) => !shop || entry.shop === shop);
        return send(response, 200, products);
      }
      case "POST products": {
        const shop = str("shop");
        if (!shop) return send(response, 400, { error: "shop is required" });
        try {
          const product = newProduct(shop, (input.product ?? {}) as ProductInput);
          return send(response, 200, { shop, product });
        } catch (error) {
          return send(response, 400, { error: error instanceof Error ? error.message : String(error) });
        }
      }
      case "DELETE products/:id": {
        const productId = id?.startsWith("gid://") ? id : `gid://shopify/Product/${id}`;
        if (!state.products.delete(productId)) return send(response, 404, { error: "product not found" });
        return send(response, 200, { ok: true });
      }
      case "GET orders/:id": {
        const entry = id ? findOrderEntry(id) : undefined;
        return entry ? send(response, 200, entry) : send(response, 404, { error: "order not found" });
      }
      case "GET orders/:id/webhook-payload": {
        const entry = id ? findOrderEntry(id) : undefined;
        return entry
          ? send(response, 200, toOrderWebhookPayload(entry.order, entry.shop))
          : send(response, 404, { error: "order not found" });
      }
      case "PATCH orders/:id": {
        const entry = id ? findOrderEntry(id) : undefined;
        if (!entry) return send(response, 404, { error: "order not found" });
        const { id: _ignored, fulfillmentOrders: _fos, fulfillments: _fulfillments, ...patch } = input;
        Object.assign(entry.order, patch, { updatedAt: str("updatedAt") ?? new Date(now()).toISOString() });
        return send(response, 200, entry);
      }
      case "DELETE orders/:id": {
        const entry = id ? findOrderEntry(id) : undefined;
        if (!entry) return send(response, 404, { error: "order not found" });
        state.orders.delete(entry.order.id);
        return send(response, 200, { ok: true });
      }
      case "POST fulfillment-orders/:id/hold":
      case "POST fulfillment-orders/:id/release":
      case "POST fulfillment-orders/:id/status": {
        const foId = id?.startsWith("gid://") ? id : `gid://shopify/FulfillmentOrder/${id}`;
        const shop = shopOfFulfillmentOrder(foId);
        if (!shop) return send(response, 404, { error: "fulfillment order not found" });
        if (action === "status") {
          const fo = state.setFulfillmentOrderStatus(shop, foId, str("status") as FulfillmentOrderStatus);
          return send(response, 200, { fulfillmentOrder: fo, userErrors: [] });
        }
        const result =
          action === "hold"
            ? state.holdFulfillmentOrder(shop, foId, { reason: str("reason"), reasonNotes: str("reasonNotes") })
            : state.releaseFulfillmentOrderHold(shop, foId);
        return send(response, result.userErrors.length ? 422 : 200, {
          fulfillmentOrder: result.fo,
          userErrors: result.userErrors,
        });
      }
      case "POST throttle": {
        const shop = str("shop") ?? null;
        const maximumAvailable = typeof input.maximumAvailable === "number" ? input.maximumAvailable : undefined;
        const restoreRate = typeof input.restoreRate === "number" ? input.restoreRate : undefined;
        const currentlyAvailable = typeof input.currentlyAvailable === "number" ? input.currentlyAvailable : undefined;
        if (maximumAvailable !== undefined || restoreRate !== undefined || currentlyAvailable !== undefined) {
          state.configureBucket(shop, {
            ...(maximumAvailable === undefined ? {} : { maximumAvailable }),
            ...(restoreRate === undefined ? {} : { restoreRate }),
            ...(currentlyAvailable === undefined ? {} : { currentlyAvailable }),
          });
        }
        if (shop && input.on !== undefined) {
          const count = typeof input.count === "number" ? input.count : Number.POSITIVE_INFINITY;
          state.forceThrottle(shop, input.on ? count : 0);
        }
        return send(response, 200, shop ? state.throttleStatus(shop) : { ok: true });
      }
      case "POST webhooks": {
        const appUrl = str("appUrl");
        const topic = str("topic");
        const shop = str("shop");
        const secret = str("secret");
        if (!appUrl || !topic || !shop || !secret) {
          return send(response, 400, { error: "appUrl, topic, shop and secret are required" });
        }
        const orderId = str("orderId");
        const entry = orderId ? findOrderEntry(orderId) : undefined;
        if (orderId && !entry) return send(response, 404, { error: "order not found" });
        const payload = input.payload ?? (entry ? toOrderWebhookPayload(entry.order, entry.shop) : undefined);
        if (payload === undefined) return send(response, 400, { error: "payload or orderId is required" });
        const sent = await deliverWebhook({
          appUrl,
          topic,
          shop,
          secret,
          payload,
          path: str("path") ?? `/webhooks/${topic}`,
          webhookId: str("webhookId"),
          eventId: str("eventId"),
          triggeredAt: str("triggeredAt"),
        });
        return send(response, 200, sent);
      }
      case "GET oauth":
        return send(response, 200, oauth.snapshot());
      case "POST oauth": {
        const lifetimes: Partial<TokenLifetimes> = {};
        for (const key of ["tokenTtlSeconds", "refreshTokenTtlSeconds"] as const) {
          if (input[key] === undefined) continue;
          if (typeof input[key] !== "number") return send(response, 400, { error: `${key} must be a number` });
          lifetimes[key] = input[key];
        }
        try {
          return send(response, 200, oauth.configure(lifetimes));
        } catch (error) {
          return send(response, 400, { error: error instanceof Error ? error.message : String(error) });
        }
      }
      case "POST oauth/:id":
        if (id === "revoke") {
          const shop = str("shop");
          if (!shop) return send(response, 400, { error: "shop is required" });
          return send(response, 200, oauth.revokeRefreshTokens(shop, { accessTokens: input.accessTokens === true }));
        }
        if (id === "session-token") {
          const shop = str("shop");
          if (!shop) return send(response, 400, { error: "shop is required" });
          const claims =
            input.claims && typeof input.claims === "object"
              ? (input.claims as Partial<SessionTokenClaims>)
              : undefined;
          const ttlSeconds = typeof input.ttlSeconds === "number" ? input.ttlSeconds : undefined;
          const token = sessionToken(shop, {
            clientId: str("clientId"),
            clientSecret: str("clientSecret"),
            ttlSeconds,
            claims,
          });
          return send(response, 200, { token });
        }
        break;
      case "GET oauth/:id":
        if (id === "requests") {
          const shop = url.searchParams.get("shop") ?? undefined;
          const grantType = url.searchParams.get("grantType") ?? undefined;
          return send(response, 200, filterTokenRequests(oauth.requests, { shop, grantType }));
        }
        break;
      case "DELETE oauth/:id":
        if (id === "requests") {
          oauth.requests.length = 0;
          return send(response, 200, { ok: true });
        }
        break;
    }
    send(response, 404, { error: `unknown control route ${method} ${url.pathname}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const origin = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;

  return {
    origin,
    url: origin,
    graphqlUrl: `${origin}/admin/api/${emulatedApiVersion}/graphql.json`,
    tokenUrl: `${origin}/admin/oauth/access_token`,
    port,
    state,
    oauth,
    addShop: (domain, accessToken, name, currencyCode) => state.addShop({ domain, accessToken, name, currencyCode }),
    addOrder,
    addProduct: newProduct,
    products: (shop) => productsOf(state, shop),
    requests: (filter = {}) => filterRequests(state.requests, filter),
    throttle: (shop, count = 1) => state.forceThrottle(shop, count),
    tokenRequests: (filter = {}) => filterTokenRequests(oauth.requests, filter),
    revokeRefreshTokens: (shop, revokeOptions) => oauth.revokeRefreshTokens(shop, revokeOptions),
    configureOAuth: (lifetimes) => oauth.configure(lifetimes),
    signSessionToken: sessionToken,
    sendWebhook: deliverWebhook,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function filterRequests(requests: RecordedRequest[], filter: { shop?: string; operationName?: string }) {
  return requests.filter(
    (request) =>
      (!filter.shop || request.shop === filter.shop) &&
      (!filter.operationName || request.operationName === filter.operationName),
  );
}

function filterTokenRequests(requests: RecordedTokenRequest[], filter: { shop?: string; grantType?: string }) {
  return requests.filter(
    (request) =>
      (!filter.shop || request.shop === filter.shop) && (!filter.grantType || request.grantType === filter.grantType),
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-request-id": randomUUID(),
    ...headers,
  });
  response.end(text);
}
