using System.Text.RegularExpressions;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Samples;

/// <summary>
/// docs/extending.md shows the Orders sample's files as they are, so the guide cannot rot: each block headed
/// by a file name equals that file of WxLogin.Tests/Samples/Orders/, and every file there is shown.
/// </summary>
public sealed partial class ExtendingGuideTests
{
    private const string SampleFolder = "WxLogin.Tests/Samples/Orders/";

    private static readonly string Guide = File.ReadAllText(RepoRoot.File("docs", "extending.md"));

    [Test]
    public void EveryFileBlock_EqualsTheSampleFile()
    {
        var blocks = FileBlocks().ToList();

        Assert.That(blocks, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (guidePath, code) in blocks)
            {
                var sample = SamplePath(guidePath);
                Assert.That(File.Exists(RepoRoot.File(sample)), Is.True, $"{guidePath}: no {sample}");
                var expected = File.ReadAllText(RepoRoot.File(sample))
                    .Replace("namespace WxLogin.Tests.Samples.Orders;", "namespace WxLogin.Web.Orders;");
                Assert.That(code, Is.EqualTo(expected), $"docs/extending.md's {guidePath} differs from {sample}");
            }
        });
    }

    [Test]
    public void EverySampleFile_IsShownInTheGuide()
    {
        var shown = FileBlocks().Select(block => SamplePath(block.GuidePath)).ToHashSet();
        var files = Directory.EnumerateFiles(RepoRoot.File(SampleFolder), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepoRoot.Path, file).Replace('\\', '/'));

        Assert.That(files, Is.SubsetOf(shown));
    }

    [Test]
    public void Readme_LinksTheGuide()
    {
        Assert.That(File.ReadAllText(RepoRoot.File("README.md")), Does.Contain("(docs/extending.md)"));
    }

    /// <summary>Where the guide's file lives in the sample: WxLogin.Web/Orders/X → Samples/Orders/X, database/… → Samples/Orders/database/….</summary>
    private static string SamplePath(string guidePath) =>
        SampleFolder + (guidePath.StartsWith("WxLogin.Web/Orders/", StringComparison.Ordinal) ? guidePath["WxLogin.Web/Orders/".Length..] : guidePath);

    private static IEnumerable<(string GuidePath, string Code)> FileBlocks() =>
        FileBlock().Matches(Guide.ReplaceLineEndings("\n")).Select(m => (m.Groups["path"].Value, m.Groups["code"].Value));

    [GeneratedRegex("""^\*\*`(?<path>[^`]+)`\*\*\n\n```[a-z]+\n(?<code>.*?)^```$""", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();
}
