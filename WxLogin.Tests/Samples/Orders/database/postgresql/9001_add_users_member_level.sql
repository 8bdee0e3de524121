-- A field of our own on the user. A default, because WxLogin's login inserts users without it.
ALTER TABLE "Users" ADD COLUMN IF NOT EXISTS "MemberLevel" integer NOT NULL DEFAULT 0;
