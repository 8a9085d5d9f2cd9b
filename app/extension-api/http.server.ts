/**
 * The plumbing the extension's `api.*` routes share: session-token authentication with CORS (the extension runs on
 * Shopify's CDN origin, so every answer, errors included, carries the CORS headers), the domain dependencies, and
 * one mapping from domain errors to HTTP statuses.
 */
import { CjApiError } from "../cj/errors";
import db from "../db.server";
import { OrderActionError } from "../fulfillment/actions.server";
import type { ForwardDeps } from "../fulfillment/forward.server";
import { jobQueue } from "../jobs/runtime.server";
import { logger } from "../logger.server";
import { createShopPorts, NotConnectedError } from "../runtime/deps.server";
import { ReconnectNeededError } from "../shopify/offline-tokens.server";
import { authenticate } from "../shopify.server";
import type { ExtensionErrorResponse } from "./contract";

type Cors = (response: Response) => Response;

export interface ExtensionContext {
  shop: string;
  cors: Cors;
}

const BEARER = /^Bearer\s+\S+/i;

/** CORS headers for answers given before the library could (a request without any session token). */
function corsFor(request: Request): Cors {
  return (response) => {
    if (request.headers.get("Origin")) {
      response.headers.set("Access-Control-Allow-Origin", "*");
      response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    }
    return response;
  };
}

/**
 * Verifies the extension's session token (`Authorization: Bearer <JWT>`, HS256 with the app secret, audience the
 * app's API key) through `authenticate.admin`. Answers OPTIONS preflights (204) and refuses a request without a
 * token with 401 instead of the document-request redirects `authenticate.admin` uses for pages: these routes are
 * only ever called by `fetch`.
 */
export async function authenticateExtension(request: Request): Promise<ExtensionContext> {
  if (request.method !== "OPTIONS" && !BEARER.test(request.headers.get("Authorization") ?? "")) {
    throw corsFor(request)(
      Response.json({ error: "Missing session token" } satisfies ExtensionErrorResponse, { status: 401 }),
    );
  }
  const { session, cors } = await authenticate.admin(request);
  return { shop: session.shop, cors };
}

let deps: ForwardDeps | undefined;
export function extensionDeps(): ForwardDeps {
  deps ??= { db, ports: createShopPorts(db), queue: jobQueue() };
  return deps;
}

export function errorResponse(cors: Cors, error: unknown): Response {
  const answer = (status: number, message: string) =>
    cors(Response.json({ error: message } satisfies ExtensionErrorResponse, { status }));
  if (error instanceof Response) return cors(error);
  if (error instanceof OrderActionError) return answer(error.status, error.message);
  if (error instanceof NotConnectedError) return answer(409, error.message);
  if (error instanceof ReconnectNeededError) return answer(409, error.reason);
  if (error instanceof CjApiError) return answer(502, `CJ answered: ${error.message}`);
  logger.error({ err: error }, "extension API request failed");
  return answer(500, "Something went wrong; try again in a moment.");
}

/** Reads a JSON object body; a malformed one is a 400, not a 500. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = (await request.json()) as unknown;
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OrderActionError("The request body must be a JSON object.", 400);
}
