-- The user's phone number, bound through POST /api/user/phone. Idempotent; applied once and recorded in "SchemaVersions".
ALTER TABLE "Users" ADD COLUMN IF NOT EXISTS "PhoneNumber" varchar(32) NULL;
ALTER TABLE "Users" ADD COLUMN IF NOT EXISTS "PurePhoneNumber" varchar(32) NULL;
ALTER TABLE "Users" ADD COLUMN IF NOT EXISTS "CountryCode" varchar(8) NULL;
