-- reverse: modify "entitlements" table
ALTER TABLE "entitlements" DROP COLUMN "annotations";
