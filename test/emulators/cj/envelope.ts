/**
 * CJ's answer envelope `{code, result, message, data, requestId, success}` (seed 002 / cj-api-facts.md).
 * Business errors travel with HTTP 200; only the `code` tells success from failure.
 */
export interface CjEnvelope {
  code: number;
  result: boolean;
  message: string;
  data: unknown;
  requestId: string;
  success?: boolean;
}

/** A business error answered in the CJ envelope. Thrown by handlers, turned into an answer by the router. */
export class CjFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown = null,
  ) {
    super(message);
    this.name = "CjFailure";
  }
}

/** Messages as CJ's error-code page (api2/standard/ps-code) and the seed samples spell them. */
export const CJ_MESSAGES = {
  1600000: "System busy, please contact CJ IT",
  1600001:
    "Invalid API key or access token. How to get access token: https://developers.cjdropshipping.cn/en/api/api2/api/auth.html#_1-1-get-access-token-post",
  1600002: "access token cannot be empty",
  1600003: "Invalid Refresh token",
  1600100: "Param error",
  1600101: "Interface not found",
  1600200: "Too Many Requests",
  1600201: "Your quota has been used up",
  1600300: "order not found",
  1602000: "variant not found",
  1603000: "order create fail",
  1603001: "order confirm fail",
  1603002: "order delete fail",
  1603101: "order pay fail",
  1604000: "Balance insufficient",
  1605000: "logistic not found",
  1606001: "callback url is empty",
} as const;

export type CjCode = keyof typeof CJ_MESSAGES;

export function failure(code: CjCode, message: string = CJ_MESSAGES[code], data: unknown = null): CjFailure {
  return new CjFailure(code, message, data);
}

/** The seed's "Param error" answer: CJ names no field, neither do we. */
export function paramError(): CjFailure {
  return failure(1600100);
}

export function successEnvelope(data: unknown, requestId: string, message = "Success"): CjEnvelope {
  return { code: 200, result: true, message, data, requestId, success: true };
}

/** Error envelope exactly as the seed samples show it: no `success` key. */
export function errorEnvelope(code: number, message: string, requestId: string, data: unknown = null): CjEnvelope {
  return { code, result: false, message, data, requestId };
}
