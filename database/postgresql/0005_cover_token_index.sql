-- SQL Server's 0005 makes IX_Users_TokenDigest cover the columns the token read returns, so that read
-- cannot deadlock with a login's write. PostgreSQL's readers take no row locks (MVCC), so there is no
-- deadlock to avoid, and a covering index would rarely pay: an index-only scan still visits the row
-- while its page is not all-visible, which a row rewritten at every login seldom is, and indexing the
-- profile columns would cost profile updates their HOT path. Nothing to change; the folders stay numbered alike.
SELECT 1;
