-- CreateTable
CREATE TABLE "CjFreightQuote" (
    "accountId" TEXT NOT NULL,
    "quoteKey" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CjFreightQuote_pkey" PRIMARY KEY ("accountId","quoteKey")
);

-- CreateIndex
CREATE INDEX "CjFreightQuote_fetchedAt_idx" ON "CjFreightQuote"("fetchedAt");

-- AddForeignKey
ALTER TABLE "CjFreightQuote" ADD CONSTRAINT "CjFreightQuote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CjAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
