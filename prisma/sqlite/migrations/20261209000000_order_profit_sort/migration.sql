-- CreateIndex
CREATE INDEX "Order_shopId_profitCents_idx" ON "Order"("shopId", "profitCents");

