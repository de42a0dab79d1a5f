-- reverse: modify "billing_invoices" table
ALTER TABLE "billing_invoices" DROP COLUMN "payment_processing_entered_at";
