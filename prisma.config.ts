import path from "node:path";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { databaseProfile, defaultDatabaseUrl } from "./app/db/profile";

// Prisma 6.19 offline recipe: the JS engine with a driver adapter, so the CLI needs no native schema engine.
// The provider (and so the schema and its migrations folder) follows DATABASE_URL.
const url = process.env.DATABASE_URL ?? defaultDatabaseUrl;
const profile = databaseProfile(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", profile, "schema.prisma"),
  migrations: { path: path.join("prisma", profile, "migrations") },
  async adapter() {
    return profile === "postgresql" ? new PrismaPg({ connectionString: url }) : new PrismaLibSQL({ url });
  },
});
