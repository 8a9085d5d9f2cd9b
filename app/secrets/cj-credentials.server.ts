/** The CJ client's credential port over Prisma: API key, tokens and openId encrypted in CjAccount. */
import type { CjCredentialStore, CjStoredCredentials, CjTokens } from "../cj/credentials";
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
      await db.cjAccount.update({
        where: { id: accountId },
        data: {
          accessTokenEnc: encryptSecret(tokens.accessToken),
          accessTokenExpiresAt: tokens.accessTokenExpiresAt,
          refreshTokenEnc: encryptSecret(tokens.refreshToken),
          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
          lastAuthAt: authenticatedAt,
          ...(tokens.openId
            ? { openIdEnc: encryptSecret(tokens.openId), openIdHash: secretLookupHash(tokens.openId) }
            : {}),
        },
      });
    },
  };
}
