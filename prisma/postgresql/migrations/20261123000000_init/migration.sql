-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "plan" TEXT,
    "scopes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shopId" TEXT NOT NULL,
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
    "sendOrderNote" BOOLEAN NOT NULL DEFAULT false,
    "sandbox" BOOLEAN NOT NULL DEFAULT true,
    "notifyCustomer" BOOLEAN NOT NULL DEFAULT true,
    "trackingSync" TEXT NOT NULL DEFAULT 'AFTER_DISPATCH',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "CjAccount" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "apiKeyEnc" TEXT NOT NULL,
    "accessTokenEnc" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenEnc" TEXT,
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "openIdEnc" TEXT,
    "openIdHash" TEXT,
    "lastAuthAt" TIMESTAMP(3),
    "accountLevel" TEXT,
    "qpsLimit" INTEGER NOT NULL DEFAULT 1,
    "dailyQuota" INTEGER,
    "webhooksRegisteredAt" TIMESTAMP(3),
    "webhookConfig" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyOrderGid" TEXT NOT NULL,
    "shopifyOrderName" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'RECEIVED',
    "financialStatus" TEXT,
    "customerName" TEXT,
    "customerEmail" TEXT,
    "countryCode" TEXT,
    "currency" TEXT,
    "totalPrice" TEXT,
    "snapshot" TEXT,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "cjOrderNumber" TEXT,
    "cjOrderId" TEXT,
    "cjShipmentOrderId" TEXT,
    "cjStatus" TEXT,
    "cjSplitOrders" TEXT,
    "cjPayUrl" TEXT,
    "cjPayId" TEXT,
    "productAmount" TEXT,
    "postageAmount" TEXT,
    "orderAmount" TEXT,
    "paidAmount" TEXT,
    "logisticName" TEXT,
    "freightQuote" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "trackingStatus" INTEGER,
    "errorReason" TEXT,
    "approvedAt" TIMESTAMP(3),
    "chosenLogisticName" TEXT,
    "lastPolledAt" TIMESTAMP(3),
    "nextPollAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lockedUntil" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "shippedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyLineItemGid" TEXT NOT NULL,
    "sku" TEXT,
    "title" TEXT,
    "quantity" INTEGER NOT NULL,
    "unitPrice" TEXT,
    "shopifyProductGid" TEXT,
    "shopifyVariantGid" TEXT,
    "imageUrl" TEXT,
    "cjVariantId" TEXT,
    "cjLineItemId" TEXT,
    "skipReason" TEXT,

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderEvent" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "message" TEXT NOT NULL,
    "cjRequestId" TEXT,
    "data" TEXT,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "shopId" TEXT,
    "shopDomain" TEXT,
    "payload" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fulfillment" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyFulfillmentGid" TEXT,
    "cjOrderId" TEXT,
    "trackingNumber" TEXT NOT NULL,
    "company" TEXT,
    "url" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "lastEventStatus" TEXT,
    "lastEventAt" TIMESTAMP(3),
    "lineItems" TEXT,
    "error" TEXT,
    "logisticName" TEXT,
    "cjTrackingUrl" TEXT,
    "trackingStatus" INTEGER,
    "lastMileCarrier" TEXT,
    "lastTrackNumber" TEXT,
    "syncedNumber" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Fulfillment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT,
    "shopDomain" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "orderGids" TEXT,
    "summary" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "CjAccount_shopId_key" ON "CjAccount"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "CjAccount_openIdHash_key" ON "CjAccount"("openIdHash");

-- CreateIndex
CREATE INDEX "Order_shopId_state_createdAt_idx" ON "Order"("shopId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "Order_shopId_createdAt_idx" ON "Order"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Order_cjOrderId_idx" ON "Order"("cjOrderId");

-- CreateIndex
CREATE INDEX "Order_state_nextAttemptAt_idx" ON "Order"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Order_nextPollAt_idx" ON "Order"("nextPollAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_shopifyOrderGid_key" ON "Order"("shopId", "shopifyOrderGid");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_cjOrderNumber_key" ON "Order"("shopId", "cjOrderNumber");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_orderId_shopifyLineItemGid_key" ON "OrderLine"("orderId", "shopifyLineItemGid");

-- CreateIndex
CREATE INDEX "OrderEvent_orderId_at_idx" ON "OrderEvent"("orderId", "at");

-- CreateIndex
CREATE INDEX "WebhookReceipt_processedAt_idx" ON "WebhookReceipt"("processedAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_shopId_receivedAt_idx" ON "WebhookReceipt"("shopId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_source_deliveryId_key" ON "WebhookReceipt"("source", "deliveryId");

-- CreateIndex
CREATE INDEX "Fulfillment_cjOrderId_idx" ON "Fulfillment"("cjOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "Fulfillment_orderId_trackingNumber_key" ON "Fulfillment"("orderId", "trackingNumber");

-- AddForeignKey
ALTER TABLE "ShopSettings" ADD CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CjAccount" ADD CONSTRAINT "CjAccount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookReceipt" ADD CONSTRAINT "WebhookReceipt_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fulfillment" ADD CONSTRAINT "Fulfillment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataRequest" ADD CONSTRAINT "DataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

