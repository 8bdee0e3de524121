-- One token per user: a login replaces the previous token. Its digest is kept here, so that the old
-- token answers 401 token_replaced (another device logged in) rather than token_invalid. Idempotent.
ALTER TABLE "Users" ADD COLUMN IF NOT EXISTS "ReplacedTokenDigest" bytea NULL;

CREATE INDEX IF NOT EXISTS "IX_Users_ReplacedTokenDigest" ON "Users" ("ReplacedTokenDigest") WHERE "ReplacedTokenDigest" IS NOT NULL;
