-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "cjCostUsd" TEXT,
ADD COLUMN     "costsDueAt" TIMESTAMP(3),
ADD COLUMN     "costsError" TEXT,
ADD COLUMN     "costsFetchedAt" TIMESTAMP(3),
ADD COLUMN     "currentTotalPrice" TEXT,
ADD COLUMN     "profitCents" INTEGER,
ADD COLUMN     "profitNote" TEXT,
ADD COLUMN     "profitUsd" TEXT,
ADD COLUMN     "revenueUsd" TEXT;

-- CreateTable
CREATE TABLE "CjOrderCost" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "cjOrderCode" TEXT NOT NULL,
    "originalOrderCode" TEXT,
    "shipmentsOrderId" TEXT,
    "paid" BOOLEAN NOT NULL,
    "paymentDate" TIMESTAMP(3),
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
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjOrderCost_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CjOrderCost_cjOrderCode_idx" ON "CjOrderCost"("cjOrderCode");

-- CreateIndex
CREATE UNIQUE INDEX "CjOrderCost_orderId_cjOrderCode_key" ON "CjOrderCost"("orderId", "cjOrderCode");

-- CreateIndex
CREATE INDEX "Order_costsDueAt_idx" ON "Order"("costsDueAt");

-- AddForeignKey
ALTER TABLE "CjOrderCost" ADD CONSTRAINT "CjOrderCost_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

