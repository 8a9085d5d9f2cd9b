-- CreateTable
CREATE TABLE "CjMakeupBill" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "orderCode" TEXT NOT NULL,
    "cjOrderCode" TEXT,
    "orderId" TEXT,
    "type" INTEGER NOT NULL,
    "diffUseType" INTEGER NOT NULL DEFAULT 0,
    "status" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "reason" TEXT,
    "cjCreatedAt" DATETIME,
    "payOrderCode" TEXT,
    "payId" TEXT,
    "payUrl" TEXT,
    "paidAt" DATETIME,
    "paidByShopId" TEXT,
    "paidFromBalance" BOOLEAN NOT NULL DEFAULT false,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CjMakeupBill_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CjAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CjMakeupBill_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CjMakeupBill_orderId_idx" ON "CjMakeupBill"("orderId");

-- CreateIndex
CREATE INDEX "CjMakeupBill_accountId_status_idx" ON "CjMakeupBill"("accountId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CjMakeupBill_accountId_orderCode_key" ON "CjMakeupBill"("accountId", "orderCode");

