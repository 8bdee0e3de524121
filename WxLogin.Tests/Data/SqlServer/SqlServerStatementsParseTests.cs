using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Models;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>
/// Every T-SQL statement the service can send to SQL Server parses under the T-SQL grammar of the
/// configured compatibility level, with QUOTED_IDENTIFIER ON as SqlClient sets it: the hand-written
/// statements (store, token read, migrator, readiness) and what EF Core writes for the services'
/// queries and the update pipeline, captured from the real code paths without a server.
/// </summary>
public sealed class SqlServerStatementsParseTests
{
    private static TSqlParser ParserFor(int compatibilityLevel) =>
        TSqlParser.CreateParser(Enum.Parse<SqlVersion>($"Sql{compatibilityLevel}"), initialQuotedIdentifiers: true);

    private static IEnumerable<(string Name, string Sql)> HandWritten()
    {
        var dialect = new SqlServerMigrationDialect();
        yield return ("login upsert", SqlServerLoginStore.UpsertSql);
        yield return ("logout revoke", SqlServerLoginStore.RevokeSql);
        yield return ("token read", SqlServerDatabase.TokenSql);
        yield return ("replaced token read", SqlServerDatabase.ReplacedSql);
        yield return ("create SchemaVersions", dialect.CreateSchemaVersionsSql);
        yield return ("migration lock", dialect.MigrationLockSql);
        yield return ("record a script", SchemaMigrator.InsertVersionSql);
        yield return ("applied scripts", SchemaMigrator.AppliedVersionsSql);
        yield return ("readiness: schema version", DatabaseHealthCheck.SchemaVersionSql);
        yield return ("readiness: Users columns", DatabaseHealthCheck.UsersColumnsSql);
        yield return ("readiness: updateability", SqlServerWriteProbe.UpdateabilitySql);
        yield return ("readiness: indexes", SqlServerIndexProbe.IndexesSql);
        var migrator = new SchemaMigrator(dialect, new SqlServerConnections("Server=unused"), NullLogger<SchemaMigrator>.Instance);
        foreach (var script in migrator.Scripts())
        {
            foreach (var (batch, i) in dialect.SplitBatches(script.Sql).Select((batch, i) => (batch, i)))
            {
                yield return ($"{script.Name} batch {i + 1}", batch);
            }
        }
    }

    [TestCase(110)]
    [TestCase(DatabaseOptions.DefaultSqlServerCompatibilityLevel)]
    [TestCase(160)]
    [TestCase(170)]
    public void HandWrittenStatements_Parse(int level)
    {
        var statements = HandWritten().ToList();

        Assert.That(statements.Select(s => Rejections(ParserFor(level), s)).Where(r => r is not null), Is.Empty);
    }

    [TestCase(110)]
    [TestCase(DatabaseOptions.DefaultSqlServerCompatibilityLevel)]
    [TestCase(160)]
    [TestCase(170)]
    public async Task WhatEfCoreSends_Parses(int level)
    {
        var statements = await EfStatementsAsync(level);
        foreach (var (name, sql) in statements)
        {
            await TestContext.Out.WriteLineAsync($"-- {name}\n{sql}\n");
        }

        Assert.Multiple(() =>
        {
            Assert.That(statements.Select(s => Rejections(ParserFor(level), s)).Where(r => r is not null), Is.Empty);
            // The capture saw every kind of statement the services make EF send.
            Assert.That(statements.Select(s => s.Name), Is.SupersetOf(new[]
            {
                "UserService.LoadAsync", "AccountService.WithdrawAsync", "AccountService.DeleteAsync",
                "update pipeline: UPDATE", "update pipeline: INSERT", "update pipeline: DELETE",
            }));
            Assert.That(statements.Where(s => s.Name == "AccountService.DeleteAsync").Select(s => s.Sql),
                Has.Some.Contains("SELECT TOP(2)").And.Some.Contains("DELETE FROM"), "the lookup and the ExecuteDelete");
            Assert.That(statements.Single(s => s.Name == "update pipeline: UPDATE").Sql, Does.Contain("UPDATE [Users] SET"));
        });
    }

    [Test]
    public void TheCheck_RejectsWhatSqlServerWouldRefuse()
    {
        // Without this the parse tests could pass on anything: a broken statement, and a double-quoted name
        // under QUOTED_IDENTIFIER OFF (sqlcmd's default without -I), which reads as a string.
        var parser = ParserFor(DatabaseOptions.DefaultSqlServerCompatibilityLevel);

        Assert.Multiple(() =>
        {
            Assert.That(Rejections(parser, ("broken", "UPDATE Users SET WHERE Id = 1")), Is.Not.Null);
            Assert.That(Rejections(TSqlParser.CreateParser(SqlVersion.Sql150, initialQuotedIdentifiers: false),
                ("quoted", """UPDATE "Users" SET "Nickname" = NULL""")), Is.Not.Null);
        });
    }

    private static string? Rejections(TSqlParser parser, (string Name, string Sql) statement)
    {
        using var reader = new StringReader(statement.Sql);
        parser.Parse(reader, out var errors);
        return errors.Count == 0 ? null : $"{statement.Name}: " + string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")) +
            "\n" + statement.Sql;
    }

    /// <summary>Runs the services' EF code against a SQL Server context whose commands are recorded, never sent.</summary>
    private static async Task<List<(string Name, string Sql)>> EfStatementsAsync(int level)
    {
        var recorder = new Recorder();
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new SqlServerConnections("Server=unused;Database=unused", level).ConfigureEf(options);
        options.AddInterceptors(recorder);

        async Task Run(string name, Func<AppDbContext, Task> action)
        {
            await using var db = new AppDbContext(options.Options);
            recorder.Name = name;
            try
            {
                await action(db);
            }
            catch (Exception)
            {
                // The recorded answers are one row of one int: enough to go on, not to build a User. What
                // was sent before the failure is recorded; the assertions check every path got that far.
            }
        }

        var time = TimeProvider.System;
        await Run("UserService.LoadAsync", db => UserService(db).LoadAsync(Snapshot(), CancellationToken.None));
        await Run("AccountService.WithdrawAsync", db => Accounts(db).WithdrawAsync("o-1", WithdrawnData.All, CancellationToken.None));
        await Run("AccountService.DeleteAsync", db => Accounts(db).DeleteAsync(1, CancellationToken.None));
        await Run("AccountService.DeleteAsync", db => Accounts(db).DeleteByOpenIdAsync("o-1", CancellationToken.None));
        // The columns UserService and AccountService change, saved as they save them.
        await Run("update pipeline: UPDATE", db =>
        {
            var user = db.Users.Attach(NewUser()).Entity;
            (user.PhoneNumber, user.PurePhoneNumber, user.CountryCode) = ("+86 13800000000", "13800000000", "86");
            (user.UnionId, user.Nickname, user.AvatarUrl, user.UpdatedAt) = ("u-1", "nick", "https://example.com/a.png", DateTime.UtcNow);
            return db.SaveChangesAsync();
        });
        await Run("update pipeline: INSERT", db =>
        {
            db.Users.Add(NewUser(id: 0));
            return db.SaveChangesAsync();
        });
        await Run("update pipeline: DELETE", db =>
        {
            db.Users.Remove(db.Users.Attach(NewUser()).Entity);
            return db.SaveChangesAsync();
        });
        return recorder.Statements;

        AccountService Accounts(AppDbContext db) => new(db, null!, time, NullLogger<AccountService>.Instance, []);
    }

    // Only LoadAsync runs, which uses the context alone.
    private static UserService UserService(AppDbContext db) =>
        new(null!, null!, null!, db, null!, TimeProvider.System);

    private static UserSnapshot Snapshot() => new(1, "o-1", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow);

    private static User NewUser(int id = 1) => new()
    {
        Id = id,
        OpenId = "o-1",
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    /// <summary>Opens nothing, starts no transaction, and hands EF commands that record their text.</summary>
    private sealed class Recorder : IDbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
    {
        public string Name { get; set; } = "";

        public List<(string Name, string Sql)> Statements { get; } = [];

        public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(InterceptionResult.Suppress());

        public InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result) =>
            InterceptionResult<DbCommand>.SuppressWithResult(new RecordingCommand(this));

        public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection)));

        public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(InterceptionResult.Suppress());

        public ValueTask<InterceptionResult> TransactionRollingBackAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(InterceptionResult.Suppress());

        public void Record(string sql) => Statements.Add((Name, sql));
    }

    /// <summary>Records its text when executed and answers one row holding the int 1. Parameters are SqlClient's own.</summary>
    private sealed class RecordingCommand(Recorder recorder) : DbCommand
    {
        private readonly SqlCommand _parameters = new();

        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        public override bool DesignTimeVisible { get; set; }

        protected override DbConnection? DbConnection { get; set; }

        protected override DbTransaction? DbTransaction { get; set; }

        protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

        public override void Cancel()
        {
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqlParameter();

        public override int ExecuteNonQuery()
        {
            recorder.Record(CommandText);
            return 1;
        }

        public override object ExecuteScalar()
        {
            recorder.Record(CommandText);
            return 1;
        }

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            recorder.Record(CommandText);
            var table = new DataTable();
            table.Columns.Add("Value", typeof(int));
            table.Rows.Add(1);
            return table.CreateDataReader();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _parameters.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class NoTransaction(DbConnection connection) : DbTransaction
    {
        public override System.Data.IsolationLevel IsolationLevel => System.Data.IsolationLevel.ReadCommitted;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }
}
