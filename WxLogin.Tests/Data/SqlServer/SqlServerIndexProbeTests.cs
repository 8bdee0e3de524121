using WxLogin.Web.Data.SqlServer;
using Index = WxLogin.Web.Data.SqlServer.SqlServerIndexProbe.Index;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>What readiness makes of dbo.Users' indexes as sys.indexes lists them (the query itself is parsed in SqlServerStatementsParseTests).</summary>
public sealed class SqlServerIndexProbeTests
{
    private static readonly string[] Covered =
        ["OpenId", "UnionId", "Nickname", "AvatarUrl", "PhoneNumber", "TokenExpiresAt", "CreatedAt", "UpdatedAt"];

    private static List<Index> AsTheScriptsLeaveThem() =>
    [
        new("PK_Users", true, new HashSet<string>()),
        new("IX_Users_OpenId", true, new HashSet<string>()),
        new("IX_Users_TokenDigest", true, Covered.ToHashSet()),
        new("IX_Users_UnionId", false, new HashSet<string>()),
        new("IX_Users_ReplacedTokenDigest", false, new HashSet<string>()),
    ];

    [Test]
    public void TheIndexesTheScriptsCreate_AreEnough()
    {
        Assert.That(SqlServerIndexProbe.Missing(AsTheScriptsLeaveThem()), Is.Null);
    }

    [TestCase("IX_Users_OpenId")]
    [TestCase("IX_Users_TokenDigest")]
    [TestCase("IX_Users_UnionId")]
    [TestCase("IX_Users_ReplacedTokenDigest")]
    public void AMissingIndex_IsNamed(string name)
    {
        var indexes = AsTheScriptsLeaveThem().Where(i => i.Name != name).ToList();

        Assert.That(SqlServerIndexProbe.Missing(indexes), Does.Contain($"index {name} is missing"));
    }

    [Test]
    public void AUniqueIndexThatIsNotUnique_IsNamed()
    {
        var indexes = AsTheScriptsLeaveThem().Select(i => i.Name == "IX_Users_OpenId" ? i with { IsUnique = false } : i).ToList();

        Assert.That(SqlServerIndexProbe.Missing(indexes), Is.EqualTo("index IX_Users_OpenId is not unique"));
    }

    [Test]
    public void ATokenIndexWithoutItsIncludes_NamesTheScriptThatAddsThem()
    {
        var indexes = AsTheScriptsLeaveThem()
            .Select(i => i.Name == "IX_Users_TokenDigest" ? i with { Included = Covered.Where(c => c != "PhoneNumber").ToHashSet() } : i)
            .ToList();

        Assert.That(SqlServerIndexProbe.Missing(indexes),
            Is.EqualTo("index IX_Users_TokenDigest does not include PhoneNumber (0005_cover_token_index.sql)"));
    }
}
