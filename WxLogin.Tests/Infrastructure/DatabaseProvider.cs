namespace WxLogin.Tests.Infrastructure;

/// <summary>The values of Database:Provider the tests run the app on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

/// <summary>
/// The fixture source of every provider-parameterised suite:
/// <c>[TestFixtureSource(typeof(Providers), nameof(Providers.All))]</c>. Each fixture carries its provider
/// as a category too, so <c>dotnet test --filter "TestCategory!=PostgreSql&amp;TestCategory!=SqlServer"</c> runs SQLite only.
/// </summary>
public static class Providers
{
    public static IEnumerable<TestFixtureData> All => Enum.GetValues<DatabaseProvider>().Select(provider =>
    {
        var fixture = new TestFixtureData(provider);
        fixture.Properties.Add(NUnit.Framework.Internal.PropertyNames.Category, provider.ToString());
        return fixture;
    });
}
