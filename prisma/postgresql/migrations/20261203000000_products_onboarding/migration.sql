-- Each shop keeps the CJ account it had (accounts were one per shop until now); then the account loses its shopId.
ALTER TABLE "Shop" ADD COLUMN     "cjAccountId" TEXT;
UPDATE "Shop" SET "cjAccountId" = a."id" FROM "CjAccount" a WHERE a."shopId" = "Shop"."id";

-- DropForeignKey
ALTER TABLE "CjAccount" DROP CONSTRAINT "CjAccount_shopId_fkey";

-- DropIndex
DROP INDEX "CjAccount_shopId_key";

-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "liveAt" TIMESTAMP(3),
ADD COLUMN     "storeNameCheckedAt" TIMESTAMP(3),
ALTER COLUMN "sandbox" SET DEFAULT false;
-- A shop that had turned sandbox off was live already; one still in sandbox keeps it (now shown with a banner).
UPDATE "ShopSettings" SET "liveAt" = "updatedAt" WHERE "sandbox" = false;

-- AlterTable
ALTER TABLE "CjAccount" DROP COLUMN "shopId",
ADD COLUMN     "apiKeyHash" TEXT,
ADD COLUMN     "keyProblem" TEXT,
ADD COLUMN     "lastPushAt" TIMESTAMP(3),
ADD COLUMN     "webhookCheckedAt" TIMESTAMP(3),
ADD COLUMN     "webhookProblem" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "holdCodes" TEXT;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN     "unconnected" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "VariantLink" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyVariantGid" TEXT NOT NULL,
    "shopifyProductGid" TEXT,
    "sku" TEXT,
    "cjVariantId" TEXT,
    "cjProductId" TEXT,
    "cjSku" TEXT,
    "cjName" TEXT,
    "cjPrice" TEXT,
    "source" TEXT,
    "notFulfilledByCj" BOOLEAN NOT NULL DEFAULT false,
    "checkedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VariantLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CjVariant" (
    "id" TEXT NOT NULL,
    "lookupKey" TEXT NOT NULL,
    "vid" TEXT,
    "pid" TEXT,
    "sku" TEXT,
    "name" TEXT,
    "sellPrice" TEXT,
    "weight" INTEGER,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductBatch" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "items" TEXT NOT NULL,
    "results" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CjTestOrder" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "cjOrderNumber" TEXT NOT NULL,
    "cjOrderId" TEXT,
    "vid" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CREATING',
    "steps" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjTestOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VariantLink_shopId_sku_idx" ON "VariantLink"("shopId", "sku");

-- CreateIndex
CREATE INDEX "VariantLink_shopId_cjVariantId_idx" ON "VariantLink"("shopId", "cjVariantId");

-- CreateIndex
CREATE UNIQUE INDEX "VariantLink_shopId_shopifyVariantGid_key" ON "VariantLink"("shopId", "shopifyVariantGid");

-- CreateIndex
CREATE UNIQUE INDEX "CjVariant_lookupKey_key" ON "CjVariant"("lookupKey");

-- CreateIndex
CREATE INDEX "ProductBatch_shopId_createdAt_idx" ON "ProductBatch"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CjTestOrder_cjOrderNumber_key" ON "CjTestOrder"("cjOrderNumber");

-- CreateIndex
CREATE INDEX "CjTestOrder_shopId_createdAt_idx" ON "CjTestOrder"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Shop_cjAccountId_idx" ON "Shop"("cjAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "CjAccount_apiKeyHash_key" ON "CjAccount"("apiKeyHash");

-- AddForeignKey
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_cjAccountId_fkey" FOREIGN KEY ("cjAccountId") REFERENCES "CjAccount"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VariantLink" ADD CONSTRAINT "VariantLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductBatch" ADD CONSTRAINT "ProductBatch_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CjTestOrder" ADD CONSTRAINT "CjTestOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

