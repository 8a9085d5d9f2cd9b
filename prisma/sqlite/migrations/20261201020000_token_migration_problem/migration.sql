-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "tokenMigrationProblem" TEXT;
