-- AlterTable
ALTER TABLE "Order" ADD COLUMN "holdCodes" TEXT;

-- CreateTable
CREATE TABLE "VariantLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "checkedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "VariantLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CjVariant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "lookupKey" TEXT NOT NULL,
    "vid" TEXT,
    "pid" TEXT,
    "sku" TEXT,
    "name" TEXT,
    "sellPrice" TEXT,
    "weight" INTEGER,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProductBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "items" TEXT NOT NULL,
    "results" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ProductBatch_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CjTestOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "cjOrderNumber" TEXT NOT NULL,
    "cjOrderId" TEXT,
    "vid" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CREATING',
    "steps" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CjTestOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "domain" TEXT NOT NULL,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "plan" TEXT,
    "scopes" TEXT,
    "reconnectReason" TEXT,
    "reconnectSince" DATETIME,
    "tokenMigrationProblem" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "cjAccountId" TEXT,
    CONSTRAINT "Shop_cjAccountId_fkey" FOREIGN KEY ("cjAccountId") REFERENCES "CjAccount" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- Each shop keeps the CJ account it had (accounts were one per shop until now).
INSERT INTO "new_Shop" ("createdAt", "domain", "id", "installedAt", "plan", "reconnectReason", "reconnectSince", "scopes", "tokenMigrationProblem", "uninstalledAt", "updatedAt", "cjAccountId") SELECT "createdAt", "domain", "id", "installedAt", "plan", "reconnectReason", "reconnectSince", "scopes", "tokenMigrationProblem", "uninstalledAt", "updatedAt", (SELECT a."id" FROM "CjAccount" a WHERE a."shopId" = "Shop"."id") FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");
CREATE INDEX "Shop_cjAccountId_idx" ON "Shop"("cjAccountId");
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
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- A shop that had turned sandbox off was live already; one still in sandbox keeps it (now shown with a banner).
INSERT INTO "new_ShopSettings" ("autoPayPerDayCap", "autoPayPerOrderCap", "forwardingTrigger", "fromCountryCode", "holdHighRisk", "iossNumber", "iossType", "logisticsMaxDays", "logisticsRule", "notifyCustomer", "orderTotalCap", "paused", "paymentMode", "preferredLogistics", "sandbox", "sendOrderNote", "shopId", "storeName", "trackingSync", "updatedAt", "liveAt") SELECT "autoPayPerDayCap", "autoPayPerOrderCap", "forwardingTrigger", "fromCountryCode", "holdHighRisk", "iossNumber", "iossType", "logisticsMaxDays", "logisticsRule", "notifyCustomer", "orderTotalCap", "paused", "paymentMode", "preferredLogistics", "sandbox", "sendOrderNote", "shopId", "storeName", "trackingSync", "updatedAt", CASE WHEN "sandbox" THEN NULL ELSE "updatedAt" END FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
CREATE TABLE "new_CjAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "apiKeyEnc" TEXT NOT NULL,
    "apiKeyHash" TEXT,
    "accessTokenEnc" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "refreshTokenEnc" TEXT,
    "refreshTokenExpiresAt" DATETIME,
    "openIdEnc" TEXT,
    "openIdHash" TEXT,
    "lastAuthAt" DATETIME,
    "accountLevel" TEXT,
    "qpsLimit" INTEGER NOT NULL DEFAULT 1,
    "dailyQuota" INTEGER,
    "webhooksRegisteredAt" DATETIME,
    "webhookConfig" TEXT,
    "lastPushAt" DATETIME,
    "webhookCheckedAt" DATETIME,
    "webhookProblem" TEXT,
    "keyProblem" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_CjAccount" ("accessTokenEnc", "accessTokenExpiresAt", "accountLevel", "apiKeyEnc", "createdAt", "dailyQuota", "id", "lastAuthAt", "openIdEnc", "openIdHash", "qpsLimit", "refreshTokenEnc", "refreshTokenExpiresAt", "updatedAt", "webhookConfig", "webhooksRegisteredAt") SELECT "accessTokenEnc", "accessTokenExpiresAt", "accountLevel", "apiKeyEnc", "createdAt", "dailyQuota", "id", "lastAuthAt", "openIdEnc", "openIdHash", "qpsLimit", "refreshTokenEnc", "refreshTokenExpiresAt", "updatedAt", "webhookConfig", "webhooksRegisteredAt" FROM "CjAccount";
DROP TABLE "CjAccount";
ALTER TABLE "new_CjAccount" RENAME TO "CjAccount";
CREATE UNIQUE INDEX "CjAccount_apiKeyHash_key" ON "CjAccount"("apiKeyHash");
CREATE UNIQUE INDEX "CjAccount_openIdHash_key" ON "CjAccount"("openIdHash");
CREATE TABLE "new_OrderLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "unconnected" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OrderLine" ("cjLineItemId", "cjVariantId", "id", "imageUrl", "orderId", "quantity", "shopifyLineItemGid", "shopifyProductGid", "shopifyVariantGid", "skipReason", "sku", "title", "unitPrice") SELECT "cjLineItemId", "cjVariantId", "id", "imageUrl", "orderId", "quantity", "shopifyLineItemGid", "shopifyProductGid", "shopifyVariantGid", "skipReason", "sku", "title", "unitPrice" FROM "OrderLine";
DROP TABLE "OrderLine";
ALTER TABLE "new_OrderLine" RENAME TO "OrderLine";
CREATE UNIQUE INDEX "OrderLine_orderId_shopifyLineItemGid_key" ON "OrderLine"("orderId", "shopifyLineItemGid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

