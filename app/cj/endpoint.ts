import type { z } from "zod";
import { validateCjRequest } from "./requests";
import type { CjTransport } from "./transport.server";

export interface CjEndpointOptions {
  /**
   * Automatic retries of retryable failures (transport default 2). 0 for calls that create or pay something:
   * a lost answer must be checked, not repeated.
   */
  retries?: number;
}

/** An endpoint taking a JSON body validated against its seed table before sending. */
export function jsonEndpoint<S extends z.ZodType, T>(
  transport: CjTransport,
  method: "POST" | "PATCH",
  path: string,
  request: S,
  data: z.ZodType<T, unknown>,
  options: CjEndpointOptions = {},
): (input: z.input<S>) => Promise<T> {
  return (input) => transport.call({ method, path, json: validateCjRequest(path, request, input), data, ...options });
}

/** A POST whose body CJ allows to be empty (`{}`). */
export function emptyBodyEndpoint<T>(
  transport: CjTransport,
  path: string,
  data: z.ZodType<T, unknown>,
): () => Promise<T> {
  return () => transport.call({ method: "POST", path, json: {}, data });
}
