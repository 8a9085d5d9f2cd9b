/**
 * A Shopify session token (the `id_token` App Bridge sends) for opening the embedded admin locally, without the
 * Shopify admin around it: HS256 signed with the app secret, as documented in docs/architecture.md.
 */
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export async function makeSessionToken(input: {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId?: string;
  ttlSeconds?: number;
}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${input.shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${input.shop}/admin`)
    .setAudience(input.apiKey)
    .setSubject(input.userId ?? "1")
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (input.ttlSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(input.apiSecret));
}

/** The URL that opens an embedded page of the app for `shop`, authenticated by a fresh session token. */
export async function embeddedUrl(
  appUrl: string,
  pathname: string,
  input: { shop: string; apiKey: string; apiSecret: string },
) {
  const token = await makeSessionToken(input);
  const url = new URL(pathname, appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", input.shop);
  url.searchParams.set("host", Buffer.from(`${input.shop}/admin`).toString("base64url"));
  url.searchParams.set("id_token", token);
  return url.toString();
}
