SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Nicknames hold 64 characters as a person counts them (an emoji with its modifiers is one), which can be
-- up to 256 UTF-16 units. Idempotent (COL_LENGTH is in bytes: nvarchar(256) is 512); applied once and
-- recorded in dbo.SchemaVersions.
IF COL_LENGTH(N'dbo.Users', N'Nickname') < 512
ALTER TABLE dbo.Users ALTER COLUMN Nickname nvarchar(256) NULL;
