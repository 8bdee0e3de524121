SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Users: one row per WeChat openid. Idempotent; applied once and recorded in dbo.SchemaVersions.
IF OBJECT_ID(N'dbo.Users', N'U') IS NULL
CREATE TABLE dbo.Users (
    Id int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Users PRIMARY KEY,
    OpenId nvarchar(64) NOT NULL,
    UnionId nvarchar(64) NULL,
    Nickname nvarchar(64) NULL,
    AvatarUrl nvarchar(512) NULL,
    SessionKeyProtected nvarchar(max) NULL,
    TokenDigest varbinary(32) NULL,
    TokenExpiresAt datetime2 NULL,
    CreatedAt datetime2 NOT NULL,
    UpdatedAt datetime2 NOT NULL
);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Users_OpenId' AND object_id = OBJECT_ID(N'dbo.Users'))
CREATE UNIQUE INDEX IX_Users_OpenId ON dbo.Users (OpenId);

-- Only rows with a live token take part; logged-out users hold NULL.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Users_TokenDigest' AND object_id = OBJECT_ID(N'dbo.Users'))
CREATE UNIQUE INDEX IX_Users_TokenDigest ON dbo.Users (TokenDigest) WHERE TokenDigest IS NOT NULL;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Users_UnionId' AND object_id = OBJECT_ID(N'dbo.Users'))
CREATE INDEX IX_Users_UnionId ON dbo.Users (UnionId) WHERE UnionId IS NOT NULL;
