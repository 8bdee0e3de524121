namespace WxLogin.Tests.Infrastructure;

/// <summary>A fixture that shares one running app (and its SQLite file) across its tests.</summary>
public abstract class AppFixture
{
    protected WxLoginFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        Factory = new WxLoginFactory();
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
