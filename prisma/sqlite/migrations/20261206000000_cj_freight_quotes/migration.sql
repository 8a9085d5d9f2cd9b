-- CreateTable
CREATE TABLE "CjFreightQuote" (
    "accountId" TEXT NOT NULL,
    "quoteKey" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL,

    PRIMARY KEY ("accountId", "quoteKey"),
    CONSTRAINT "CjFreightQuote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CjAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CjFreightQuote_fetchedAt_idx" ON "CjFreightQuote"("fetchedAt");
