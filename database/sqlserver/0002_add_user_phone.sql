SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The user's phone number, bound through POST /api/user/phone. Idempotent; applied once and recorded in dbo.SchemaVersions.
IF COL_LENGTH(N'dbo.Users', N'PhoneNumber') IS NULL
ALTER TABLE dbo.Users ADD PhoneNumber nvarchar(32) NULL;

IF COL_LENGTH(N'dbo.Users', N'PurePhoneNumber') IS NULL
ALTER TABLE dbo.Users ADD PurePhoneNumber nvarchar(32) NULL;

IF COL_LENGTH(N'dbo.Users', N'CountryCode') IS NULL
ALTER TABLE dbo.Users ADD CountryCode nvarchar(8) NULL;
