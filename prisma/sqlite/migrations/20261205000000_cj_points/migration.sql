-- CreateTable
CREATE TABLE "CjPointsDay" (
    "accountId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "quotePoints" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("accountId", "day"),
    CONSTRAINT "CjPointsDay_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CjAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
