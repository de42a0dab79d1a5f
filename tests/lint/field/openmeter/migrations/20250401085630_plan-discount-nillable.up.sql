-- modify "plan_phases" table
ALTER TABLE "plan_phases" DROP COLUMN "discounts";
