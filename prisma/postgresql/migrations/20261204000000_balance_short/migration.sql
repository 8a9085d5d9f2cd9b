-- AlterTable
ALTER TABLE "CjAccount" ADD COLUMN     "balanceShortAt" TIMESTAMP(3);
