-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "cjOrderRevision" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Order" ADD COLUMN     "amountsNote" TEXT,
ADD COLUMN     "customsOverrideEnc" TEXT;

-- CreateTable
CREATE TABLE "CurrencyRate" (
    "currency" TEXT NOT NULL,
    "perUsd" TEXT NOT NULL,
    "rateDate" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CurrencyRate_pkey" PRIMARY KEY ("currency")
);

-- CreateTable
CREATE TABLE "CjDestinationRule" (
    "id" TEXT NOT NULL,
    "fromCountryCode" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "logisticName" TEXT NOT NULL,
    "types" TEXT NOT NULL,
    "tips" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjDestinationRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CjDestinationRule_fromCountryCode_countryCode_logisticName_key" ON "CjDestinationRule"("fromCountryCode", "countryCode", "logisticName");
