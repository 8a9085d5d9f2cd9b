-- AlterTable
ALTER TABLE "Order" ADD COLUMN "cjOrderRevision" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Order" ADD COLUMN "amountsNote" TEXT;
ALTER TABLE "Order" ADD COLUMN "customsOverrideEnc" TEXT;

-- CreateTable
CREATE TABLE "CurrencyRate" (
    "currency" TEXT NOT NULL PRIMARY KEY,
    "perUsd" TEXT NOT NULL,
    "rateDate" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CjDestinationRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fromCountryCode" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "logisticName" TEXT NOT NULL,
    "types" TEXT NOT NULL,
    "tips" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "CjDestinationRule_fromCountryCode_countryCode_logisticName_key" ON "CjDestinationRule"("fromCountryCode", "countryCode", "logisticName");
