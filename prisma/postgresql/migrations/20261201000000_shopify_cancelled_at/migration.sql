-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "shopifyCancelledAt" TIMESTAMP(3);
