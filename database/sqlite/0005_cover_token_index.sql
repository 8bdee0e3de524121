-- SQL Server's 0005 makes IX_Users_TokenDigest cover the columns the token read returns, so that read
-- cannot deadlock with a login's write. SQLite has one writer and readers that never block it (WAL), and
-- no INCLUDE; there is nothing to change here. The script keeps the folders numbered alike.
SELECT 1;
