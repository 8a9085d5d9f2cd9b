-- CreateTable
CREATE TABLE "StockOrder" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CREATING',
    "storageId" TEXT NOT NULL,
    "storageName" TEXT,
    "logisticName" TEXT NOT NULL,
    "lines" TEXT NOT NULL,
    "productAmount" TEXT,
    "shippingCost" TEXT,
    "serviceFee" TEXT,
    "totalAmount" TEXT NOT NULL,
    "payment" TEXT NOT NULL,
    "cjOrderCode" TEXT,
    "payId" TEXT,
    "payUrl" TEXT,
    "paidAt" TIMESTAMP(3),
    "cjStatus" TEXT,
    "cjStatusText" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StockOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StockOrder_cjOrderCode_key" ON "StockOrder"("cjOrderCode");

-- CreateIndex
CREATE INDEX "StockOrder_shopId_createdAt_idx" ON "StockOrder"("shopId", "createdAt");

-- AddForeignKey
ALTER TABLE "StockOrder" ADD CONSTRAINT "StockOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "OutboundOrder" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "orderNumber" TEXT NOT NULL,
    "cjOrderId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'CREATING',
    "storageId" TEXT NOT NULL,
    "postagePayNode" INTEGER NOT NULL DEFAULT 4,
    "address" TEXT NOT NULL,
    "lines" TEXT NOT NULL,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "createStatus" TEXT,
    "nextAction" TEXT,
    "lockFails" TEXT,
    "submitStatus" TEXT,
    "paymentStatus" TEXT,
    "orderStatus" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboundOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboundOrder_orderNumber_key" ON "OutboundOrder"("orderNumber");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundOrder_cjOrderId_key" ON "OutboundOrder"("cjOrderId");

-- CreateIndex
CREATE INDEX "OutboundOrder_shopId_createdAt_idx" ON "OutboundOrder"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboundOrder_status_idx" ON "OutboundOrder"("status");

-- AddForeignKey
ALTER TABLE "OutboundOrder" ADD CONSTRAINT "OutboundOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

