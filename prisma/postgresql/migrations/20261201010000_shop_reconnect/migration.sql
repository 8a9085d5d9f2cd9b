-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "reconnectReason" TEXT,
ADD COLUMN     "reconnectSince" TIMESTAMP(3);
