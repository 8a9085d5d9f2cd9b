-- AlterTable
ALTER TABLE "Order" ADD COLUMN "cjCostUsd" TEXT;
ALTER TABLE "Order" ADD COLUMN "costsDueAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "costsError" TEXT;
ALTER TABLE "Order" ADD COLUMN "costsFetchedAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "currentTotalPrice" TEXT;
ALTER TABLE "Order" ADD COLUMN "profitCents" INTEGER;
ALTER TABLE "Order" ADD COLUMN "profitNote" TEXT;
ALTER TABLE "Order" ADD COLUMN "profitUsd" TEXT;
ALTER TABLE "Order" ADD COLUMN "revenueUsd" TEXT;

-- CreateTable
CREATE TABLE "CjOrderCost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "cjOrderCode" TEXT NOT NULL,
    "originalOrderCode" TEXT,
    "shipmentsOrderId" TEXT,
    "paid" BOOLEAN NOT NULL,
    "paymentDate" DATETIME,
    "productAmount" TEXT NOT NULL,
    "postage" TEXT NOT NULL,
    "totalAmount" TEXT NOT NULL,
    "taxes" TEXT NOT NULL,
    "disputeRefund" TEXT NOT NULL,
    "outStockFee" TEXT NOT NULL,
    "storageFee" TEXT NOT NULL,
    "resendFee" TEXT NOT NULL,
    "reissue" BOOLEAN NOT NULL DEFAULT false,
    "reorder" BOOLEAN NOT NULL DEFAULT false,
    "outOfStockSplit" BOOLEAN NOT NULL DEFAULT false,
    "countryCode" TEXT,
    "raw" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL,
    CONSTRAINT "CjOrderCost_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CjOrderCost_cjOrderCode_idx" ON "CjOrderCost"("cjOrderCode");

-- CreateIndex
CREATE UNIQUE INDEX "CjOrderCost_orderId_cjOrderCode_key" ON "CjOrderCost"("orderId", "cjOrderCode");

-- CreateIndex
CREATE INDEX "Order_costsDueAt_idx" ON "Order"("costsDueAt");

