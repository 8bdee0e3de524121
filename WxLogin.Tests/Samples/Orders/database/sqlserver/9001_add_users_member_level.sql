-- A field of our own on the user. A default, because WxLogin's login inserts users without it.
IF COL_LENGTH(N'dbo.Users', N'MemberLevel') IS NULL
ALTER TABLE dbo.Users ADD MemberLevel int NOT NULL CONSTRAINT DF_Users_MemberLevel DEFAULT (0);
