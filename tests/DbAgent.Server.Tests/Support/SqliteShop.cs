using Microsoft.Data.Sqlite;

namespace DbAgent.Server.Tests.Support;

/// <summary>A small SQLite shop (60,000 orders, analysed) that plans and statistics can be read from, in a temporary file.</summary>
public static class SqliteShop
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dbagent-server-{Guid.NewGuid():N}.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, total REAL);";
            create.ExecuteNonQuery();
        }
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO orders (customer_id, status, total) VALUES ($c, $s, $t);";
            var c = insert.Parameters.Add("$c", SqliteType.Integer);
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Real);
            for (var i = 0; i < 60_000; i++)
            {
                c.Value = i % 5_000;
                s.Value = (i % 10) switch { < 7 => "shipped", < 9 => "pending", _ => "cancelled" };
                t.Value = i % 997 * 1.5;
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        analyze.ExecuteNonQuery();
        return path;
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }
}
