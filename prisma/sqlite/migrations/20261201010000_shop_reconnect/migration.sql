-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "reconnectReason" TEXT;
ALTER TABLE "Shop" ADD COLUMN "reconnectSince" DATETIME;
