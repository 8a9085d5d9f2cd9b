-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "mergeOrders" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "mergeWindowMinutes" INTEGER NOT NULL DEFAULT 360;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "mergeGroupId" TEXT,
ADD COLUMN     "mergedIntoId" TEXT;

-- CreateTable
CREATE TABLE "MergeRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'MATCHING',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "step" TEXT,
    "matchStartedAt" TIMESTAMP(3),
    "submitClaimedAt" TIMESTAMP(3),
    "submitAnswered" BOOLEAN NOT NULL DEFAULT false,
    "skippedGroups" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MergeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MergeGroup" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "orderNumber" TEXT NOT NULL,
    "cjOrderCodes" TEXT NOT NULL,
    "orderIds" TEXT NOT NULL,
    "customerName" TEXT,
    "countryCode" TEXT,
    "city" TEXT,
    "options" TEXT NOT NULL,
    "logisticName" TEXT,
    "currentPostage" TEXT,
    "mergedPostage" TEXT,
    "savingUsd" TEXT,
    "status" TEXT NOT NULL DEFAULT 'FOUND',
    "errorCode" INTEGER,
    "error" TEXT,
    "newCjOrderId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MergeGroup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MergeRun_shopId_createdAt_idx" ON "MergeRun"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "MergeRun_accountId_status_idx" ON "MergeRun"("accountId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "MergeGroup_orderNumber_key" ON "MergeGroup"("orderNumber");

-- CreateIndex
CREATE INDEX "MergeGroup_runId_idx" ON "MergeGroup"("runId");

-- CreateIndex
CREATE INDEX "Order_mergedIntoId_idx" ON "Order"("mergedIntoId");

-- AddForeignKey
ALTER TABLE "MergeRun" ADD CONSTRAINT "MergeRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MergeGroup" ADD CONSTRAINT "MergeGroup_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MergeRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

