/**
 * Authentication (cj-api-facts "Authentication"): the three endpoints, and the token manager that keeps one
 * account's access token fresh. Rules it enforces:
 * - the access token is refreshed when it expires within `refreshMarginMs` (1 hour by default);
 * - after CJ rejects a token (1600001–1600003) it is refreshed, or re-obtained with the API key, once;
 * - concurrent callers share one renewal (single flight);
 * - getAccessToken is called at most once per account per 5 minutes (CJ's limit), remembered through the store.
 */
import type { Logger } from "pino";
import type { CjCredentialStore, CjStoredCredentials, CjTokens } from "./credentials";
import { CJ_CODE, CjApiError } from "./errors";
import { getAccessTokenRequest, refreshAccessTokenRequest, validateCjRequest } from "./requests";
import { accessTokenSchema, anyDataSchema, type CjAccessTokenData } from "./responses";
import type { CjAccessTokenSource, CjTransport } from "./transport.server";

const GET_ACCESS_TOKEN = "/authentication/getAccessToken";
const REFRESH_ACCESS_TOKEN = "/authentication/refreshAccessToken";
const LOGOUT = "/authentication/logout";

function toTokens(data: CjAccessTokenData): CjTokens {
  return {
    accessToken: data.accessToken,
    accessTokenExpiresAt: data.accessTokenExpiryDate,
    refreshToken: data.refreshToken,
    refreshTokenExpiresAt: data.refreshTokenExpiryDate,
    ...(data.openId ? { openId: data.openId } : {}),
  };
}

export interface CjAuthApi {
  /** `POST /authentication/getAccessToken {apiKey}` (at most once per 5 minutes per account: use the manager). */
  getAccessToken(apiKey: string): Promise<CjTokens>;
  /** `POST /authentication/refreshAccessToken {refreshToken}`. */
  refreshAccessToken(refreshToken: string): Promise<CjTokens>;
  /** `POST /authentication/logout` with the given access token. */
  logout(accessToken: string): Promise<void>;
}

/** The raw endpoints; they never send the account's current token themselves. */
export function createCjAuthApi(transport: CjTransport): CjAuthApi {
  return {
    async getAccessToken(apiKey) {
      const body = validateCjRequest(GET_ACCESS_TOKEN, getAccessTokenRequest, { apiKey });
      const data = await transport.call({
        method: "POST",
        path: GET_ACCESS_TOKEN,
        json: body,
        data: accessTokenSchema,
        authenticated: false,
      });
      return toTokens(data);
    },
    async refreshAccessToken(refreshToken) {
      const body = validateCjRequest(REFRESH_ACCESS_TOKEN, refreshAccessTokenRequest, { refreshToken });
      const data = await transport.call({
        method: "POST",
        path: REFRESH_ACCESS_TOKEN,
        json: body,
        data: accessTokenSchema,
        authenticated: false,
      });
      return toTokens(data);
    },
    async logout(accessToken) {
      await transport.call({
        method: "POST",
        path: LOGOUT,
        data: anyDataSchema,
        // The token being revoked is passed explicitly, never renewed.
        accessToken,
      });
    },
  };
}

export interface CjTokenManagerOptions {
  accountId: string;
  store: CjCredentialStore;
  api: CjAuthApi;
  logger: Logger;
  clock?: () => Date;
  /** Refresh when the access token expires within this many ms (default 1 hour). */
  refreshMarginMs?: number;
  /** Minimum time between two getAccessToken calls for the account (default 5 minutes). */
  minAuthIntervalMs?: number;
}

export class CjTokenManager implements CjAccessTokenSource {
  private readonly clock: () => Date;
  private readonly refreshMarginMs: number;
  private readonly minAuthIntervalMs: number;
  private state: Promise<CjStoredCredentials> | undefined;
  private renewal: Promise<CjTokens> | undefined;

  constructor(private readonly options: CjTokenManagerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.refreshMarginMs = options.refreshMarginMs ?? 60 * 60 * 1000;
    this.minAuthIntervalMs = options.minAuthIntervalMs ?? 5 * 60 * 1000;
  }

  /** The account's stored credentials, loaded once (and reloaded after a failed load). */
  credentials(): Promise<CjStoredCredentials> {
    if (!this.state) {
      this.state = this.options.store.load(this.options.accountId);
      this.state.catch(() => {
        this.state = undefined;
      });
    }
    return this.state;
  }

  /** QPS to use for the account: the stored value, or 1 (CJ's lowest level) until known. */
  async qpsLimit(): Promise<number> {
    return (await this.credentials()).qpsLimit ?? 1;
  }

  /** Remembers a QPS read from setting/get for this process. */
  async rememberQpsLimit(qpsLimit: number): Promise<void> {
    const current = await this.credentials();
    this.state = Promise.resolve({ ...current, qpsLimit });
  }

  async accessToken(): Promise<string> {
    const { tokens } = await this.credentials();
    if (tokens && tokens.accessTokenExpiresAt.getTime() - this.clock().getTime() > this.refreshMarginMs) {
      return tokens.accessToken;
    }
    return (await this.renewOnce(false)).accessToken;
  }

  async renew(rejectedToken: string): Promise<void> {
    const { tokens } = await this.credentials();
    // Another caller already replaced the rejected token.
    if (tokens && tokens.accessToken !== rejectedToken) return;
    await this.renewOnce(true);
  }

  private renewOnce(rejected: boolean): Promise<CjTokens> {
    if (!this.renewal) {
      this.renewal = this.obtainTokens(rejected).finally(() => {
        this.renewal = undefined;
      });
    }
    return this.renewal;
  }

  private async obtainTokens(rejected: boolean): Promise<CjTokens> {
    const current = await this.credentials();
    const now = this.clock();
    const { tokens } = current;
    if (tokens && tokens.refreshTokenExpiresAt.getTime() > now.getTime()) {
      try {
        const refreshed = await this.options.api.refreshAccessToken(tokens.refreshToken);
        return await this.save(current, refreshed);
      } catch (error) {
        // An invalid refresh token (1600003) falls back to the API key; anything else surfaces.
        if (!(error instanceof CjApiError) || error.kind !== "auth") throw error;
        this.options.logger.warn({ accountId: this.options.accountId, code: error.code }, "CJ refresh token refused");
      }
    }
    const lastAuthAt = current.lastAuthAt?.getTime();
    if (lastAuthAt !== undefined && now.getTime() - lastAuthAt < this.minAuthIntervalMs) {
      const retryAt = new Date(lastAuthAt + this.minAuthIntervalMs);
      // Reported as CJ's own "call exceeded limit" (1600200): that is what CJ would answer, and the caller can
      // reschedule at `retryAt`.
      throw new CjApiError({
        code: CJ_CODE.callLimitExceeded,
        httpStatus: 0,
        endpoint: GET_ACCESS_TOKEN,
        message: `CJ allows one getAccessToken per 5 minutes per account; next at ${retryAt.toISOString()}${
          rejected ? " (token rejected)" : ""
        }`,
        retryAt,
      });
    }
    // Remember the attempt before making it: a call that fails still counts against CJ's limit.
    this.state = Promise.resolve({ ...current, lastAuthAt: now });
    const obtained = await this.options.api.getAccessToken(current.apiKey);
    return this.save({ ...current, lastAuthAt: now }, obtained);
  }

  private async save(current: CjStoredCredentials, tokens: CjTokens): Promise<CjTokens> {
    const authenticatedAt = this.clock();
    const openId = tokens.openId ?? current.tokens?.openId;
    const merged: CjTokens = openId === undefined ? tokens : { ...tokens, openId };
    await this.options.store.saveTokens(this.options.accountId, merged, authenticatedAt);
    this.state = Promise.resolve({ ...current, tokens: merged, lastAuthAt: authenticatedAt });
    this.options.logger.info(
      { accountId: this.options.accountId, accessTokenExpiresAt: merged.accessTokenExpiresAt.toISOString() },
      "CJ tokens renewed",
    );
    return merged;
  }
}
