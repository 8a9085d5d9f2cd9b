/**
 * Port through which the client loads an account's API key and persists its tokens. The app implements it over
 * Prisma with the secrets encrypted at rest; `createMemoryCredentialStore` serves tests and scripts.
 */

export interface CjTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  /** Also the webhook signing secret (cj-api-facts "Authentication"): store it encrypted. */
  openId?: string;
}

export interface CjStoredCredentials {
  apiKey: string;
  tokens?: CjTokens;
  /** When tokens were last obtained from CJ (getAccessToken or refreshAccessToken). */
  lastAuthAt?: Date;
  /** Account QPS from `setting/get` (1 when unknown). */
  qpsLimit?: number;
}

export interface CjCredentialStore {
  load(accountId: string): Promise<CjStoredCredentials>;
  saveTokens(accountId: string, tokens: CjTokens, authenticatedAt: Date): Promise<void>;
}

export interface CjMemoryCredentialStore extends CjCredentialStore {
  /** The records as they stand, for assertions. */
  readonly records: Map<string, CjStoredCredentials>;
}

export function createMemoryCredentialStore(
  initial: Record<string, CjStoredCredentials> = {},
): CjMemoryCredentialStore {
  const records = new Map(Object.entries(initial).map(([id, record]) => [id, { ...record }]));
  return {
    records,
    async load(accountId) {
      const record = records.get(accountId);
      if (!record) throw new Error(`No CJ credentials for account ${accountId}`);
      return { ...record };
    },
    async saveTokens(accountId, tokens, authenticatedAt) {
      const record = records.get(accountId);
      if (!record) throw new Error(`No CJ credentials for account ${accountId}`);
      records.set(accountId, { ...record, tokens: { ...tokens }, lastAuthAt: authenticatedAt });
    },
  };
}
