-- Orders: a team's table, numbered from 1000 so it never meets one of WxLogin's scripts.
CREATE TABLE IF NOT EXISTS Orders (
    Id INTEGER NOT NULL CONSTRAINT PK_Orders PRIMARY KEY AUTOINCREMENT,
    UserId INTEGER NOT NULL,
    Item TEXT NOT NULL,
    AmountFen INTEGER NOT NULL,
    CreatedAt TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_Orders_UserId ON Orders (UserId);
