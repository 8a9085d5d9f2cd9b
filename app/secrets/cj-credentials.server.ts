/** The CJ client's credential port over Prisma: API key, tokens and openId encrypted in CjAccount. */

import type { CjCredentialStore, CjStoredCredentials, CjTokens } from "../cj/credentials";
import { isUniqueViolation } from "../db/errors";
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret, secretLookupHash } from "./crypto.server";

export function createPrismaCredentialStore(db: Db): CjCredentialStore {
  return {
    async load(accountId): Promise<CjStoredCredentials> {
      const account = await db.cjAccount.findUnique({ where: { id: accountId } });
      if (!account) throw new Error(`No CJ account ${accountId}: connect CJ in Settings`);
      const stored: CjStoredCredentials = { apiKey: decryptSecret(account.apiKeyEnc), qpsLimit: account.qpsLimit };
      if (account.lastAuthAt) stored.lastAuthAt = account.lastAuthAt;
      if (
        account.accessTokenEnc &&
        account.refreshTokenEnc &&
        account.accessTokenExpiresAt &&
        account.refreshTokenExpiresAt
      ) {
        const tokens: CjTokens = {
          accessToken: decryptSecret(account.accessTokenEnc),
          accessTokenExpiresAt: account.accessTokenExpiresAt,
          refreshToken: decryptSecret(account.refreshTokenEnc),
          refreshTokenExpiresAt: account.refreshTokenExpiresAt,
        };
        if (account.openIdEnc) tokens.openId = decryptSecret(account.openIdEnc);
        stored.tokens = tokens;
      }
      return stored;
    },
    async saveTokens(accountId, tokens, authenticatedAt) {
      const data = {
        accessTokenEnc: encryptSecret(tokens.accessToken),
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshTokenEnc: encryptSecret(tokens.refreshToken),
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
        lastAuthAt: authenticatedAt,
        keyProblem: null,
      };
      const openId = tokens.openId
        ? { openIdEnc: encryptSecret(tokens.openId), openIdHash: secretLookupHash(tokens.openId) }
        : {};
      try {
        await db.cjAccount.update({ where: { id: accountId }, data: { ...data, ...openId } });
      } catch (error) {
        // Another row already holds this openId (the same CJ account connected with another key before accounts
        // were shared): the tokens are kept; the other row keeps routing the account's webhooks.
        if (!isUniqueViolation(error)) throw error;
        await db.cjAccount.update({ where: { id: accountId }, data });
      }
    },
  };
}
