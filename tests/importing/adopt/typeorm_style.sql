-- A hand-written schema in the shape TypeORM's migrations leave behind: camelCase columns in
-- snake_case tables, PK_/FK_/UQ_/REL_/IDX_ names ending in hashes, <table>_<column>_enum types,
-- uuid keys from gen_random_uuid(), TIMESTAMP columns defaulting to now(). Written for this
-- project's tests; it is not taken from any other project.

CREATE TYPE "public"."account_plan_enum" AS ENUM('free', 'pro', 'enterprise');
CREATE TABLE "account" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "name" character varying NOT NULL,
    "plan" "public"."account_plan_enum" NOT NULL DEFAULT 'free',
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(),
    "updatedAt" TIMESTAMP NOT NULL DEFAULT now(),
    "version" integer NOT NULL,
    CONSTRAINT "UQ_414d4052f22837655ff312168cb" UNIQUE ("name"),
    CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY ("id")
);
CREATE TABLE "profile" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "bio" text,
    "accountId" uuid,
    CONSTRAINT "REL_7b4a0eb4a4e83b4b2b3c4d5e6f" UNIQUE ("accountId"),
    CONSTRAINT "PK_3dd8bfc97e4a77c70971591bdcb" PRIMARY KEY ("id")
);
CREATE TABLE "invoice" (
    "id" SERIAL NOT NULL,
    "amount" numeric(12,2) NOT NULL,
    "issuedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    "accountId" uuid NOT NULL,
    CONSTRAINT "PK_15d25c200d9bcd8a33f698daf18" PRIMARY KEY ("id")
);
CREATE INDEX "IDX_9d3a5f1c2b7e8a4d6c0f1e2b3a" ON "invoice" ("accountId", "issuedAt");
ALTER TABLE "profile" ADD CONSTRAINT "FK_a1b2c3d4e5f60718293a4b5c6d7" FOREIGN KEY ("accountId")
    REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "invoice" ADD CONSTRAINT "FK_0f1e2d3c4b5a69788796a5b4c3d" FOREIGN KEY ("accountId")
    REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;
