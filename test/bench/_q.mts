import { createTestDatabase } from "../support/database";

for (const profile of ["sqlite", "postgresql"] as const) {
  const t = await createTestDatabase(profile);
  const db = t.db;
  const N = 500;
  const payload = JSON.stringify({ x: "y".repeat(4000) });
  let t0 = performance.now();
  for (let i = 0; i < N; i++)
    await db.webhookReceipt.create({
      data: { source: "S", deliveryId: `a${i}`, topic: "T", shopDomain: "d", payload },
      select: { id: true },
    });
  console.log(profile, "prisma create", ((performance.now() - t0) / N).toFixed(3));
  t0 = performance.now();
  for (let i = 0; i < N; i++)
    await db.webhookReceipt.findUnique({
      where: { source_deliveryId: { source: "S", deliveryId: `a${i}` } },
      select: { id: true },
    });
  console.log(profile, "prisma findUnique", ((performance.now() - t0) / N).toFixed(3));
  t0 = performance.now();
  for (let i = 0; i < N; i++)
    await db.$executeRaw`INSERT INTO "WebhookReceipt" ("id","source","deliveryId","topic","shopDomain","payload","receivedAt") VALUES (${`b${i}`}, 'S', ${`b${i}`}, 'T', 'd', ${payload}, ${new Date()})`;
  console.log(profile, "prisma executeRaw insert", ((performance.now() - t0) / N).toFixed(3));
  t0 = performance.now();
  for (let i = 0; i < N; i++) await db.$queryRaw`SELECT 1`;
  console.log(profile, "prisma SELECT 1", ((performance.now() - t0) / N).toFixed(3));
  const rows = await db.$queryRaw<any[]>`SELECT "receivedAt" FROM "WebhookReceipt" WHERE id = 'b1'`;
  console.log(rows, await db.webhookReceipt.findUnique({ where: { id: "b1" }, select: { receivedAt: true } }));
  await t.drop();
}
