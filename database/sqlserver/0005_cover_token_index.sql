SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- [CheckToken]'s read finds the user by TokenDigest and returns the columns below. With them in the index
-- it reads the index alone: no key lookup into the table row that a concurrent login or logout of the
-- same user holds locked (under locking READ COMMITTED that lookup and the write deadlock, error 1205).
-- Idempotent: rebuilt only while the index has no included columns; applied once and recorded in
-- dbo.SchemaVersions. 0001 always creates the index, so DROP_EXISTING finds one to replace.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes i
    JOIN sys.index_columns c ON c.object_id = i.object_id AND c.index_id = i.index_id AND c.is_included_column = 1
    WHERE i.object_id = OBJECT_ID(N'dbo.Users') AND i.name = N'IX_Users_TokenDigest')
CREATE UNIQUE INDEX IX_Users_TokenDigest ON dbo.Users (TokenDigest)
    INCLUDE (OpenId, UnionId, Nickname, AvatarUrl, PhoneNumber, TokenExpiresAt, CreatedAt, UpdatedAt)
    WHERE TokenDigest IS NOT NULL
    WITH (DROP_EXISTING = ON);
