-- A field of our own on the user. A default, because WxLogin's login inserts users without it.
ALTER TABLE Users ADD COLUMN MemberLevel INTEGER NOT NULL DEFAULT 0;
