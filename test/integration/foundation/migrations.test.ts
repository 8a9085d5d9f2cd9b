import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, sqliteSynchronous } from "../../../app/db.server";
import { checkDrift, repoRoot, schemaDrift } from "../../../scripts/prisma-schemas";
import { createTestDatabase, isPostgresReachable, testProfiles } from "../../support/database";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A copy of prisma/ (and the config) in a temporary folder, to break on purpose. */
function copyOfPrismaFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "drift-test-"));
  scratch.push(dir);
  cpSync(path.join(repoRoot, "prisma"), path.join(dir, "prisma"), {
    recursive: true,
    filter: (src) => !src.endsWith(".sqlite"),
  });
  cpSync(path.join(repoRoot, "prisma.config.ts"), path.join(dir, "prisma.config.ts"));
  cpSync(path.join(repoRoot, "app/db/profile.ts"), path.join(dir, "app/db/profile.ts"));
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

describe("database migrations", () => {
  for (const profile of ["sqlite", "postgresql"] as const) {
    it(`apply on a fresh ${profile} database and give a working client`, async (ctx) => {
      if (!(await testProfiles()).includes(profile)) ctx.skip();
      const t = await createTestDatabase(profile);
      try {
        const shop = await t.db.shop.create({ data: { domain: `${profile}.myshopify.com` } });
        const order = await t.db.order.create({
          data: {
            shopId: shop.id,
            shopifyOrderGid: "gid://shopify/Order/1",
            shopifyOrderName: "#1",
            totalPrice: "12.30",
          },
        });
        expect(order.state).toBe("RECEIVED");
        expect(order.totalPrice).toBe("12.30");
        await expect(
          t.db.order.create({
            data: { shopId: shop.id, shopifyOrderGid: "gid://shopify/Order/1", shopifyOrderName: "#1" },
          }),
        ).rejects.toMatchObject({ code: "P2002" });
      } finally {
        await t.drop();
      }
    });
  }

  it("SQLite connections run in WAL with synchronous=NORMAL unless SQLITE_SYNCHRONOUS=FULL; a wrong value is refused", async () => {
    const t = await createTestDatabase("sqlite");
    const saved = process.env.SQLITE_SYNCHRONOUS;
    try {
      const pragma = async (db: typeof t.db, name: string) =>
        Object.values(((await db.$queryRawUnsafe(`PRAGMA ${name}`)) as Record<string, unknown>[])[0] ?? {})[0];
      expect(await pragma(t.db, "journal_mode")).toBe("wal");
      expect(Number(await pragma(t.db, "synchronous"))).toBe(1);
      process.env.SQLITE_SYNCHRONOUS = "full";
      const full = createDb(t.url);
      expect(Number(await pragma(full, "synchronous"))).toBe(2);
      await full.$disconnect();
      process.env.SQLITE_SYNCHRONOUS = "off";
      expect(() => sqliteSynchronous()).toThrow('SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "off"');
    } finally {
      if (saved === undefined) delete process.env.SQLITE_SYNCHRONOUS;
      else process.env.SQLITE_SYNCHRONOUS = saved;
      await t.drop();
    }
  });
});

describe("schema drift check", () => {
  it("passes on the repository as committed", async () => {
    expect(await isPostgresReachable()).toBe(true);
    expect(await checkDrift(repoRoot)).toEqual([]);
  });

  it("fails when the PostgreSQL schema is edited by hand and no longer matches the models", async () => {
    const dir = copyOfPrismaFolder();
    const file = path.join(dir, "prisma/postgresql/schema.prisma");
    writeFileSync(file, readFileSync(file, "utf8").replace("plan          String?", "plan          Int?"));
    const problems = schemaDrift(dir);
    expect(problems.join("\n")).toMatch(/prisma\/postgresql\/schema\.prisma differs from prisma\/models\.prisma/);
  });

  it("fails when the models change without a migration, for both providers", async () => {
    const dir = copyOfPrismaFolder();
    const models = path.join(dir, "prisma/models.prisma");
    writeFileSync(
      models,
      readFileSync(models, "utf8").replace(
        "  plan          String?",
        "  plan          String?\n  timezone      String?",
      ),
    );
    const { schemaFor } = await import("../../../scripts/prisma-schemas");
    for (const p of ["sqlite", "postgresql"] as const) {
      writeFileSync(path.join(dir, "prisma", p, "schema.prisma"), schemaFor(p, readFileSync(models, "utf8")));
    }
    const problems = (await checkDrift(dir)).join("\n");
    expect(problems).toMatch(/prisma\/sqlite\/migrations do not produce/);
    expect(problems).toMatch(/prisma\/postgresql\/migrations do not produce[\s\S]*timezone/);
  });
});
