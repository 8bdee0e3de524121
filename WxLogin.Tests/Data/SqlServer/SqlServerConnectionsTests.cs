using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data.SqlServer;

public sealed class SqlServerConnectionsTests
{
    [TestCase("Server=127.0.0.1,1;Database=app", "WxLogin")]
    [TestCase("Server=127.0.0.1,1;Database=app;Application Name=Shop", "Shop")]
    [TestCase("Server=127.0.0.1,1;Database=app;App=Shop", "Shop")]
    public void SqlServer_EfAndDapper_OpenConnectionsWithOneConnectionString_SoTheyShareOnePool(string configured, string applicationName)
    {
        var dialect = new SqlServerConnections(configured);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        dialect.ConfigureEf(options);
        using var db = new AppDbContext(options.Options);

        var efConnectionString = db.Database.GetDbConnection().ConnectionString; // not opened
        var dapperConnectionString = dialect.CreateConnection().ConnectionString;

        Assert.Multiple(() =>
        {
            Assert.That(efConnectionString, Is.EqualTo(dapperConnectionString));
            Assert.That(new SqlConnectionStringBuilder(dapperConnectionString).ApplicationName, Is.EqualTo(applicationName));
        });
    }
}
