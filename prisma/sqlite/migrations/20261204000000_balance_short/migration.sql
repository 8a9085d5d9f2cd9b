-- AlterTable
ALTER TABLE "CjAccount" ADD COLUMN "balanceShortAt" DATETIME;
