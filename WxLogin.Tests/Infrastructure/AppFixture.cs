namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// A fixture that shares one running app (and its database) across its tests. Suites that run on every
/// provider say so with <c>[TestFixtureSource(typeof(Providers), nameof(Providers.All))]</c> and pass the
/// provider on; on a provider that cannot run here every test of the fixture is skipped, with the reason.
/// </summary>
public abstract class AppFixture(DatabaseProvider provider = DatabaseProvider.Sqlite)
{
    protected DatabaseProvider Provider { get; } = provider;

    protected WxLoginFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings over WxLoginFactory's own, for a fixture whose app runs differently.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartApp()
    {
        Factory = new WxLoginFactory(Settings, provider: Provider);
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        Client?.Dispose();
        Factory?.Dispose();
    }

    /// <summary>Skips a test that checks something only SQLite has (its file, its query planner).</summary>
    protected void SqliteOnly(string what)
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            Assert.Ignore($"SQLite only: {what}.");
        }
    }
}
