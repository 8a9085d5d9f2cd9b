import { afterAll, beforeAll, beforeEach } from "vitest";
import { type ShopifyEmulator, type ShopifyEmulatorOptions, startShopifyEmulator } from "../../emulators/shopify";

export interface GraphqlAnswer<T> {
  data: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: unknown;
}

/** A plain HTTP GraphQL call, the way any client of the Admin API makes it. */
export async function graphql<T>(
  emulator: ShopifyEmulator,
  accessToken: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer<T>> {
  const response = await fetch(emulator.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": accessToken },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status !== 200) throw new Error(`GraphQL answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as GraphqlAnswer<T>;
}

/** Like graphql(), but fails the test on any GraphQL error. */
export async function graphqlData<T>(
  emulator: ShopifyEmulator,
  accessToken: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await graphql<T>(emulator, accessToken, query, variables);
  if (answer.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

export async function control(
  emulator: ShopifyEmulator,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.origin}/__emulator/${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One emulator for the test file, started before its tests, reset before each and closed after all. */
export function emulatorForFile(options: ShopifyEmulatorOptions): { readonly current: ShopifyEmulator } {
  const holder = {} as { current: ShopifyEmulator };
  beforeAll(async () => {
    holder.current = await startShopifyEmulator(options);
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  beforeEach(() => {
    holder.current.reset();
  });
  return holder;
}
