using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Deploy;

/// <summary>A key ring that cannot work stops the start, naming DataProtection:KeysPath, before any WeChat code is spent.</summary>
public sealed class KeyRingFaultTests
{
    private string _path = null!;

    [SetUp]
    public void ChoosePath() => _path = Path.Combine(Path.GetTempPath(), $"wxlogin-keys-{Guid.NewGuid():N}");

    [TearDown]
    public void DeletePath()
    {
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    [Test]
    public void Start_Fails_WhenKeysPathIsAFile()
    {
        File.WriteAllText(_path, "not a folder");
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = _path });

        var said = factory.StartFailure();

        Assert.That(said, Does.Contain("DataProtection__KeysPath").And.Contain("which is a file"));
    }

    [Test]
    public void Start_Fails_WhenAKeyFileIsNotXml()
    {
        Directory.CreateDirectory(_path);
        File.WriteAllText(Path.Combine(_path, "key-3f2a0d55-1111-4c4c-8a8a-000000000001.xml"), "<key id=\"3f2a0d55\" version=\"1\"><creationDate>trunc");
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = _path });

        var said = factory.StartFailure();

        Assert.That(said, Does.Contain("DataProtection__KeysPath").And.Contain("cannot be used"));
    }

    [Test]
    public async Task Start_Succeeds_WithAnEmptyOrMissingFolder_AndWritesTheFirstKey()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = _path });

        var login = await factory.LoginAsync("keyring-first.1");

        Assert.That(login.Token, Is.Not.Empty);
        Assert.That(Directory.GetFiles(_path, "key-*.xml"), Has.Length.EqualTo(1));
    }
}
