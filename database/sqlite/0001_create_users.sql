-- Users: one row per WeChat openid. Idempotent; applied once and recorded in SchemaVersions.
CREATE TABLE IF NOT EXISTS Users (
    Id INTEGER NOT NULL CONSTRAINT PK_Users PRIMARY KEY AUTOINCREMENT,
    OpenId TEXT NOT NULL,
    UnionId TEXT NULL,
    Nickname TEXT NULL,
    AvatarUrl TEXT NULL,
    SessionKeyProtected TEXT NULL,
    TokenDigest BLOB NULL,
    TokenExpiresAt TEXT NULL,
    CreatedAt TEXT NOT NULL,
    UpdatedAt TEXT NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_OpenId ON Users (OpenId);

-- Only rows with a live token take part; logged-out users hold NULL.
CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_TokenDigest ON Users (TokenDigest) WHERE TokenDigest IS NOT NULL;

CREATE INDEX IF NOT EXISTS IX_Users_UnionId ON Users (UnionId) WHERE UnionId IS NOT NULL;
