using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace WxLogin.Web.Data;

/// <summary>How a provider opens connections and configures EF Core. One per provider folder.</summary>
public abstract class DatabaseConnections
{
    /// <summary>The connection string as configured (ConnectionStrings:Default), normalised by the provider.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>A connection for the schema scripts at start-up (a SQLite file may be created here).</summary>
    public virtual DbConnection CreateMigrationConnection() => CreateConnection();

    /// <summary>
    /// A connection for requests, after start-up: it never creates a database (a SQLite file that
    /// vanished stays vanished instead of coming back empty).
    /// </summary>
    public abstract DbConnection CreateConnection();

    public abstract void ConfigureEf(DbContextOptionsBuilder options);

    /// <summary>Where the data is, for the start-up line: a file, or a server and database. Never a password.</summary>
    public abstract string Describe();
}
