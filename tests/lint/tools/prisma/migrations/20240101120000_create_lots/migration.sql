-- CreateTable
CREATE TABLE "lots" (
    "id" BIGINT NOT NULL,
    "sku" TEXT NOT NULL,
    CONSTRAINT "lots_pkey" PRIMARY KEY ("id")
);
