/** Which database the app runs on, decided by DATABASE_URL alone (see docs/architecture.md). */
export type DatabaseProfile = "sqlite" | "postgresql";

export const defaultDatabaseUrl = "file:./prisma/dev.sqlite";

export function databaseProfile(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl): DatabaseProfile {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(
    `DATABASE_URL must start with "file:" (embedded SQLite) or "postgres://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}
