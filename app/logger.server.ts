import pino from "pino";

/**
 * The app's structured logger. Secrets and personal data are never passed to it; the redact list is a second line
 * of defence for fields that should never appear even by mistake.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  redact: {
    paths: [
      "*.accessToken",
      "*.refreshToken",
      "*.apiKey",
      "*.openId",
      "*.password",
      "accessToken",
      "refreshToken",
      "apiKey",
      "openId",
      'headers["x-shopify-access-token"]',
      'headers["cj-access-token"]',
    ],
    censor: "[redacted]",
  },
  // Every line says which process wrote it: web or worker (APP_ROLE, set by scripts/start.ts and scripts/worker.ts).
  base: { service: "cj-fulfillment", role: process.env.APP_ROLE ?? "web", pid: process.pid },
});
