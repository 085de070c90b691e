using Microsoft.Data.Sqlite;

namespace Hearth.Ledger.Tests;

public class SqliteSmokeTests
{
    [Fact]
    public void Sqlite_Opens()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "select sqlite_version()";
        Assert.NotNull(cmd.ExecuteScalar());
    }
}
