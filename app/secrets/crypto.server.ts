/**
 * Secrets at rest (CJ API key, CJ tokens, openId, Shopify access tokens): AES-256-GCM under APP_ENCRYPTION_KEY.
 * Stored form: "v1.<iv>.<tag>.<ciphertext>" in base64url, so a key rotation can add "v2" later.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "v1";

export class SecretKeyError extends Error {}

export function loadEncryptionKey(raw: string | undefined = process.env.APP_ENCRYPTION_KEY): Buffer {
  if (!raw) {
    throw new SecretKeyError(
      "APP_ENCRYPTION_KEY is not set: generate one with `node -e \"console.log(crypto.randomBytes(32).toString('base64'))\"`",
    );
  }
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32) throw new SecretKeyError("APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  return key;
}

export function encryptSecret(plaintext: string, key: Buffer = loadEncryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [PREFIX, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(
    ".",
  );
}

export function decryptSecret(stored: string, key: Buffer = loadEncryptionKey()): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== PREFIX || !iv || !tag || data === undefined) {
    throw new SecretKeyError("Stored secret is not in the expected encrypted form");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(`${PREFIX}.`) && value.split(".").length === 4;
}

/** A stable lookup key for a secret (e.g. find a CJ account by the openId a webhook carries). */
export function secretLookupHash(value: string, key: Buffer = loadEncryptionKey()): string {
  return createHash("sha256").update(key).update("\0").update(value).digest("hex");
}
