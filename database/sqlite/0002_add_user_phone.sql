-- The user's phone number, bound through POST /api/user/phone.
-- SQLite has no ADD COLUMN IF NOT EXISTS: this script is idempotent because the migrator runs it
-- once only and records it in SchemaVersions, in the same transaction as the ALTERs.
ALTER TABLE Users ADD COLUMN PhoneNumber TEXT NULL;
ALTER TABLE Users ADD COLUMN PurePhoneNumber TEXT NULL;
ALTER TABLE Users ADD COLUMN CountryCode TEXT NULL;
