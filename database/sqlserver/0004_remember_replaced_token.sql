-- One token per user: a login replaces the previous token. Its digest is kept here, so that the old
-- token answers 401 token_replaced (another device logged in) rather than token_invalid.
-- Idempotent; applied once and recorded in dbo.SchemaVersions.
IF COL_LENGTH(N'dbo.Users', N'ReplacedTokenDigest') IS NULL
ALTER TABLE dbo.Users ADD ReplacedTokenDigest varbinary(32) NULL;
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Users_ReplacedTokenDigest' AND object_id = OBJECT_ID(N'dbo.Users'))
CREATE INDEX IX_Users_ReplacedTokenDigest ON dbo.Users (ReplacedTokenDigest) WHERE ReplacedTokenDigest IS NOT NULL;
