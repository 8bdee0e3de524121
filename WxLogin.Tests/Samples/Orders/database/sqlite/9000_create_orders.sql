-- Orders: a table of a team's own. Its scripts take numbers from 1000, never one of WxLogin's (below 1000).
CREATE TABLE IF NOT EXISTS Orders (
    Id INTEGER NOT NULL CONSTRAINT PK_Orders PRIMARY KEY AUTOINCREMENT,
    UserId INTEGER NOT NULL,
    Item TEXT NOT NULL,
    AmountFen INTEGER NOT NULL,
    CreatedAt TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_Orders_UserId ON Orders (UserId);
