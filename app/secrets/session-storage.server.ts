/**
 * Shopify session storage (the Prisma adapter) with access and refresh tokens encrypted before they reach the
 * Session table, and decrypted on the way out. The rest of the app sees ordinary sessions.
 */

import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { isUniqueViolation } from "../db/errors";
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret, isEncrypted } from "./crypto.server";

export class EncryptedPrismaSessionStorage implements SessionStorage {
  private readonly inner: PrismaSessionStorage<never>;

  constructor(private readonly db: Db) {
    // The adapter only uses `db.session`; our generated client has the same model API as @prisma/client's.
    this.inner = new PrismaSessionStorage(db as never);
  }

  async storeSession(session: Session): Promise<boolean> {
    const sealed = new Session({ ...session.toObject() });
    if (session.accessToken) sealed.accessToken = encryptSecret(session.accessToken);
    if (session.refreshToken) sealed.refreshToken = encryptSecret(session.refreshToken);
    let stored: boolean;
    if (!session.isOnline && session.expires && session.refreshToken) {
      const outcome = await this.storeUnlessNewer(sealed, session.expires);
      if (outcome === "older") return true;
      stored = true;
    } else {
      stored = await this.inner.storeSession(sealed);
    }
    if (!session.isOnline && session.accessToken) {
      // A new offline token (token exchange when the merchant opens the app, a refresh, shop:connect): whatever
      // "reconnect needed" said is over, and the jobs waiting for it go on at their next look.
      await this.db.shop.updateMany({
        where: { domain: session.shop, reconnectReason: { not: null } },
        data: { reconnectReason: null, reconnectSince: null },
      });
      if (session.expires && session.refreshToken) {
        await this.db.shop.updateMany({
          where: { domain: session.shop, tokenMigrationProblem: { not: null } },
          data: { tokenMigrationProblem: null },
        });
      }
    }
    return stored;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session ? open(session) : undefined;
  }

  /**
   * An expiring pair is written in one conditional statement, never over a pair that expires later: two token
   * exchanges can race (the layout's and the page's loaders both authenticate), Shopify's newer pair revokes the older
   * one, and the older answer, stored last, must not overwrite it.
   */
  private async storeUnlessNewer(sealed: Session, expires: Date): Promise<"stored" | "older"> {
    const row = {
      shop: sealed.shop,
      state: sealed.state,
      isOnline: false,
      scope: sealed.scope ?? null,
      expires,
      accessToken: sealed.accessToken ?? "",
      refreshToken: sealed.refreshToken ?? null,
      refreshTokenExpires: sealed.refreshTokenExpires ?? null,
    };
    const { count } = await this.db.session.updateMany({
      where: { id: sealed.id, OR: [{ expires: null }, { expires: { lt: expires } }, { refreshToken: null }] },
      data: row,
    });
    if (count > 0) return "stored";
    try {
      await this.db.session.create({ data: { id: sealed.id, ...row } });
      return "stored";
    } catch (error) {
      if (isUniqueViolation(error)) return "older";
      throw error;
    }
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

/**
 * What shopify-app-remix sees (authenticate.admin, authenticate.webhook): the same sessions without their refresh
 * tokens, so the library never refreshes on its own — a refresh from a web request beside a worker's would present
 * a rotated refresh token twice. Refreshing is app/shopify/offline-tokens.server.ts's alone; an expired session still
 * reads as expired here, so authenticate.admin performs a token exchange for it.
 */
export class LibrarySessionStorage implements SessionStorage {
  constructor(private readonly inner: EncryptedPrismaSessionStorage) {}

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(session);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session ? withoutRefreshToken(session) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map(withoutRefreshToken);
  }
}

function withoutRefreshToken(session: Session): Session {
  if (session.isOnline || !session.refreshToken) return session;
  const copy = new Session({ ...session.toObject() });
  copy.refreshToken = undefined;
  copy.refreshTokenExpires = undefined;
  return copy;
}
