/** The Admin API version every document here is written and validated against. */
export const adminApiVersion = "2026-10";
export type AdminApiVersion = typeof adminApiVersion;

/**
 * The port domain code uses to reach a shop's Admin GraphQL API: the undici client (workers, scripts), the Remix
 * `admin.graphql` adapter (routes) or a fake in unit tests. Implementations throw `ShopifyGraphqlError` when the
 * answer carries `errors`; `userErrors` are data and are returned by the typed wrappers.
 */
export interface AdminGraphql {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<{ data: T; extensions?: unknown }>;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string } & Record<string, unknown>;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

export interface Money {
  amount: string;
  currencyCode: string;
}

export type ShopifyGraphqlErrorKind = "throttled" | "graphql" | "unauthorized" | "http" | "network";

/** One error type for everything the Admin API refuses; `retryable` is decided here, once. */
export class ShopifyGraphqlError extends Error {
  override readonly name = "ShopifyGraphqlError";
  readonly kind: ShopifyGraphqlErrorKind;
  readonly status: number | null;
  /** `extensions.code` of the first error (`THROTTLED`, `MAX_COST_EXCEEDED`, `ACCESS_DENIED`, …). */
  readonly code: string | null;
  readonly errors: GraphqlErrorEntry[];
  readonly operationName: string | null;
  readonly requestId: string | null;
  readonly cost: QueryCost | null;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: {
      kind: ShopifyGraphqlErrorKind;
      status?: number | null;
      errors?: GraphqlErrorEntry[];
      operationName?: string | null;
      requestId?: string | null;
      cost?: QueryCost | null;
      retryable?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status ?? null;
    this.errors = details.errors ?? [];
    this.code = this.errors[0]?.extensions?.code ?? null;
    this.operationName = details.operationName ?? null;
    this.requestId = details.requestId ?? null;
    this.cost = details.cost ?? null;
    this.retryable = details.retryable ?? false;
  }
}

export function operationNameOf(document: string): string | null {
  return /\b(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(document)?.[1] ?? null;
}

export function isThrottled(errors: GraphqlErrorEntry[]): boolean {
  return errors.some((error) => error.extensions?.code === "THROTTLED");
}

export function queryCostOf(extensions: unknown): QueryCost | null {
  if (!extensions || typeof extensions !== "object" || !("cost" in extensions)) return null;
  const cost = (extensions as { cost: unknown }).cost;
  if (!cost || typeof cost !== "object" || !("throttleStatus" in cost)) return null;
  return cost as QueryCost;
}

/** Errors of a GraphQL answer as an exception; THROTTLED is retryable, everything else is a bug in the document. */
export function graphqlErrorFromBody(
  body: { errors?: unknown; extensions?: unknown },
  context: { operationName: string | null; status?: number; requestId?: string | null },
): ShopifyGraphqlError {
  const errors: GraphqlErrorEntry[] = Array.isArray(body.errors)
    ? (body.errors as GraphqlErrorEntry[])
    : [{ message: typeof body.errors === "string" ? body.errors : JSON.stringify(body.errors) }];
  const throttled = isThrottled(errors);
  const messages = errors.map((error) => error.message).join("; ");
  return new ShopifyGraphqlError(`Shopify Admin API ${context.operationName ?? "request"} failed: ${messages}`, {
    kind: throttled ? "throttled" : "graphql",
    status: context.status ?? 200,
    errors,
    operationName: context.operationName,
    requestId: context.requestId ?? null,
    cost: queryCostOf(body.extensions),
    retryable: throttled,
  });
}
