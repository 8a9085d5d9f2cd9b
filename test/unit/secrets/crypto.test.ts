import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, loadEncryptionKey, secretLookupHash } from "../../../app/secrets/crypto.server";

const key = randomBytes(32);

describe("secrets at rest", () => {
  it("round-trips and never contains the plaintext", () => {
    const secret = "CJ-API-KEY-0123456789abcdef";
    const sealed = encryptSecret(secret, key);
    expect(sealed).not.toContain(secret);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(decryptSecret(sealed, key)).toBe(secret);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("refuses a tampered ciphertext and a wrong key", () => {
    const sealed = encryptSecret("token", key);
    const parts = sealed.split(".");
    const data = Buffer.from(parts[3] ?? "", "base64url");
    data[0] = (data[0] ?? 0) ^ 0xff;
    const tampered = [parts[0], parts[1], parts[2], data.toString("base64url")].join(".");
    expect(() => decryptSecret(tampered, key)).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });

  it("explains a missing or malformed APP_ENCRYPTION_KEY", () => {
    expect(() => loadEncryptionKey(undefined)).toThrow(/APP_ENCRYPTION_KEY is not set/);
    expect(() => loadEncryptionKey(Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });

  it("gives a stable lookup hash that does not reveal the value", () => {
    expect(secretLookupHash("open-id-1", key)).toBe(secretLookupHash("open-id-1", key));
    expect(secretLookupHash("open-id-1", key)).not.toContain("open-id-1");
    expect(secretLookupHash("open-id-1", key)).not.toBe(secretLookupHash("open-id-2", key));
  });
});
