-- AlterTable
ALTER TABLE "Order" ADD COLUMN "mergeGroupId" TEXT;
ALTER TABLE "Order" ADD COLUMN "mergedIntoId" TEXT;

-- CreateTable
CREATE TABLE "MergeRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'MATCHING',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "step" TEXT,
    "matchStartedAt" DATETIME,
    "submitClaimedAt" DATETIME,
    "submitAnswered" BOOLEAN NOT NULL DEFAULT false,
    "skippedGroups" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "finishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MergeRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MergeGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MergeGroup_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MergeRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ShopSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "forwardingTrigger" TEXT NOT NULL DEFAULT 'ON_PAYMENT',
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "holdHighRisk" BOOLEAN NOT NULL DEFAULT true,
    "orderTotalCap" TEXT,
    "logisticsRule" TEXT NOT NULL DEFAULT 'CHEAPEST_WITHIN_DAYS',
    "logisticsMaxDays" INTEGER NOT NULL DEFAULT 15,
    "preferredLogistics" TEXT NOT NULL DEFAULT '{}',
    "fromCountryCode" TEXT NOT NULL DEFAULT 'CN',
    "paymentMode" TEXT NOT NULL DEFAULT 'LINK',
    "autoPayPerOrderCap" TEXT,
    "autoPayPerDayCap" TEXT,
    "iossType" INTEGER,
    "iossNumber" TEXT,
    "storeName" TEXT,
    "storeNameCheckedAt" DATETIME,
    "sendOrderNote" BOOLEAN NOT NULL DEFAULT false,
    "sandbox" BOOLEAN NOT NULL DEFAULT false,
    "liveAt" DATETIME,
    "notifyCustomer" BOOLEAN NOT NULL DEFAULT true,
    "trackingSync" TEXT NOT NULL DEFAULT 'AFTER_DISPATCH',
    "mergeOrders" BOOLEAN NOT NULL DEFAULT false,
    "mergeWindowMinutes" INTEGER NOT NULL DEFAULT 360,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ShopSettings" ("autoPayPerDayCap", "autoPayPerOrderCap", "forwardingTrigger", "fromCountryCode", "holdHighRisk", "iossNumber", "iossType", "liveAt", "logisticsMaxDays", "logisticsRule", "notifyCustomer", "orderTotalCap", "paused", "paymentMode", "preferredLogistics", "sandbox", "sendOrderNote", "shopId", "storeName", "storeNameCheckedAt", "trackingSync", "updatedAt") SELECT "autoPayPerDayCap", "autoPayPerOrderCap", "forwardingTrigger", "fromCountryCode", "holdHighRisk", "iossNumber", "iossType", "liveAt", "logisticsMaxDays", "logisticsRule", "notifyCustomer", "orderTotalCap", "paused", "paymentMode", "preferredLogistics", "sandbox", "sendOrderNote", "shopId", "storeName", "storeNameCheckedAt", "trackingSync", "updatedAt" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

