-- Nicknames hold 64 characters as a person counts them (an emoji with its modifiers is one), which can be
-- up to 256 UTF-16 units. PostgreSQL's varchar counts code points, so 256 is ample. Idempotent.
ALTER TABLE "Users" ALTER COLUMN "Nickname" TYPE varchar(256);
