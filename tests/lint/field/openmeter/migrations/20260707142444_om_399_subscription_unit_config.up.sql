-- modify "subscription_items" table
ALTER TABLE "subscription_items" ADD COLUMN "unit_config" jsonb NULL;
