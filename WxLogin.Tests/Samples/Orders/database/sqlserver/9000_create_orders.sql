-- Orders: a table of a team's own. Its scripts take numbers from 1000, never one of WxLogin's (below 1000).
IF OBJECT_ID(N'dbo.Orders', N'U') IS NULL
CREATE TABLE dbo.Orders (
    Id int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Orders PRIMARY KEY,
    UserId int NOT NULL,
    Item nvarchar(64) NOT NULL,
    AmountFen int NOT NULL,
    CreatedAt datetime2 NOT NULL
);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Orders_UserId' AND object_id = OBJECT_ID(N'dbo.Orders'))
CREATE INDEX IX_Orders_UserId ON dbo.Orders (UserId);
