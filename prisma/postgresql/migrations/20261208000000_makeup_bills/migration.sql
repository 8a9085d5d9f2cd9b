-- CreateTable
CREATE TABLE "CjMakeupBill" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "orderCode" TEXT NOT NULL,
    "cjOrderCode" TEXT,
    "orderId" TEXT,
    "type" INTEGER NOT NULL,
    "diffUseType" INTEGER NOT NULL DEFAULT 0,
    "status" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "reason" TEXT,
    "cjCreatedAt" TIMESTAMP(3),
    "payOrderCode" TEXT,
    "payId" TEXT,
    "payUrl" TEXT,
    "paidAt" TIMESTAMP(3),
    "paidByShopId" TEXT,
    "paidFromBalance" BOOLEAN NOT NULL DEFAULT false,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjMakeupBill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CjMakeupBill_orderId_idx" ON "CjMakeupBill"("orderId");

-- CreateIndex
CREATE INDEX "CjMakeupBill_accountId_status_idx" ON "CjMakeupBill"("accountId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CjMakeupBill_accountId_orderCode_key" ON "CjMakeupBill"("accountId", "orderCode");

-- AddForeignKey
ALTER TABLE "CjMakeupBill" ADD CONSTRAINT "CjMakeupBill_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CjAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CjMakeupBill" ADD CONSTRAINT "CjMakeupBill_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

