namespace WxLogin.Tests.Infrastructure;

/// <summary>The repository's root folder (the one holding WxLogin.sln), for tests that read its files.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "WxLogin.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("WxLogin.sln not found above the test directory.");
    }
}
