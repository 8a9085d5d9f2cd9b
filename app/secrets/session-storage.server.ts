/**
 * Shopify session storage (the Prisma adapter) with access and refresh tokens encrypted before they reach the
 * Session table, and decrypted on the way out. The rest of the app sees ordinary sessions.
 */
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret, isEncrypted } from "./crypto.server";

export class EncryptedPrismaSessionStorage implements SessionStorage {
  private readonly inner: PrismaSessionStorage<never>;

  constructor(db: Db) {
    // The adapter only uses `db.session`; our generated client has the same model API as @prisma/client's.
    this.inner = new PrismaSessionStorage(db as never);
  }

  async storeSession(session: Session): Promise<boolean> {
    const sealed = new Session({ ...session.toObject() });
    if (session.accessToken) sealed.accessToken = encryptSecret(session.accessToken);
    if (session.refreshToken) sealed.refreshToken = encryptSecret(session.refreshToken);
    return this.inner.storeSession(sealed);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session ? open(session) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map(open);
  }
}

function open(session: Session): Session {
  if (session.accessToken && isEncrypted(session.accessToken)) session.accessToken = decryptSecret(session.accessToken);
  if (session.refreshToken && isEncrypted(session.refreshToken))
    session.refreshToken = decryptSecret(session.refreshToken);
  return session;
}
