-- SQL Server's 0003 widens Users.Nickname to nvarchar(256). SQLite's TEXT has no length, so there is
-- nothing to change here; the script keeps both folders numbered alike.
SELECT 1;
