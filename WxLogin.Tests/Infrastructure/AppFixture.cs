namespace WxLogin.Tests.Infrastructure;

/// <summary>A fixture that shares one running app (and its SQLite file) across its tests.</summary>
public abstract class AppFixture
{
    protected WxLoginFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings over WxLoginFactory's own, for a fixture whose app runs differently.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartApp()
    {
        Factory = new WxLoginFactory(Settings);
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
