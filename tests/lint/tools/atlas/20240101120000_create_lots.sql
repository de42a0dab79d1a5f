-- Create "lots" table
CREATE TABLE "lots" ("id" bigint NOT NULL, "sku" text NOT NULL, PRIMARY KEY ("id"));
