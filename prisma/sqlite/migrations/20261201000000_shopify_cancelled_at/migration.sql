-- AlterTable
ALTER TABLE "Order" ADD COLUMN "shopifyCancelledAt" DATETIME;
