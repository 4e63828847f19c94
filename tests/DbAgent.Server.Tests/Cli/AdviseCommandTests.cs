using System.Text.Json;
using DbAgent.Analysis.Plans;
using DbAgent.Server.Cli;
using DbAgent.Server.Features.Plans;

namespace DbAgent.Server.Tests.Cli;

public class AdviseCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-advise-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "queries.sql"), """
            SELECT id FROM orders WHERE customer_id = 7;
            SELECT id FROM orders WHERE customer_id = 8 AND status = 'new';
            SELECT id FROM orders WHERE customer_id = 9;
            """);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdviseCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Without_a_connection_the_proposals_are_merged_and_marked_unverified()
    {
        var (code, output, _) = await Run("--workload", Path.Combine(_dir, "queries.sql"));
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("Workload: 2 query shape(s)"));
        Assert.That(output, Does.Contain("UNVERIFIED"));
        Assert.That(output, Does.Contain("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_status ON orders (customer_id, status);"));
        Assert.That(output, Does.Not.Contain("ix_orders_customer_id ON"), "the prefix is served by the two-column index");
        Assert.That(output, Does.Contain("-- down").And.Contain("DROP INDEX CONCURRENTLY IF EXISTS ix_orders_customer_id_status;"));
    }

    [Test]
    public async Task Json_gives_the_indexes_the_queries_and_the_migration()
    {
        var (code, output, _) = await Run("--workload", _dir, "--format", "json", "--dialect", "mysql");
        Assert.That(code, Is.EqualTo(0));
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("verified").GetBoolean(), Is.False);
        Assert.That(root.GetProperty("queries").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("queries")[0].GetProperty("weight").GetDouble(), Is.EqualTo(2));
        Assert.That(root.GetProperty("indexes")[0].GetProperty("ddl").GetString(), Is.EqualTo("ALTER TABLE orders ADD INDEX ix_orders_customer_id_status (customer_id, status), ALGORITHM=INPLACE, LOCK=NONE;"));
        Assert.That(root.GetProperty("migration").GetProperty("down").GetString(), Does.Contain("DROP INDEX ix_orders_customer_id_status"));
    }

    [Test]
    public async Task Sarif_names_the_query_file_and_line()
    {
        var (code, output, _) = await Run("--workload", Path.Combine(_dir, "queries.sql"), "--format", "sarif");
        Assert.That(code, Is.EqualTo(0));
        using var json = JsonDocument.Parse(output);
        var result = json.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.That(result.GetProperty("ruleId").GetString(), Is.EqualTo("index-advice"));
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(location.GetProperty("artifactLocation").GetProperty("uri").GetString(), Does.EndWith("queries.sql"));
        Assert.That(location.GetProperty("region").GetProperty("startLine").GetInt32(), Is.AnyOf(1, 2));
    }

    [Test]
    public async Task The_migration_goes_into_the_folder_in_its_layout_with_a_down()
    {
        var migrations = Path.Combine(_dir, "migrations");
        Directory.CreateDirectory(migrations);
        File.WriteAllText(Path.Combine(migrations, "001_init.sql"), "CREATE TABLE orders (id int primary key, customer_id int, status text);");
        var (code, output, _) = await Run("--workload", Path.Combine(_dir, "queries.sql"), "--migrations", migrations);
        Assert.That(code, Is.EqualTo(0));
        var written = Directory.GetFiles(migrations).Select(Path.GetFileName).Where(f => f != "001_init.sql").ToList();
        Assert.That(written, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(written[0], Does.StartWith("002_"));
        var text = File.ReadAllText(Path.Combine(migrations, written[0]!));
        Assert.That(text, Does.Contain("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_status"));
        Assert.That(text, Does.Contain("DROP INDEX CONCURRENTLY IF EXISTS ix_orders_customer_id_status"), "the way back is there");
        Assert.That(output, Does.Contain("Migration written:"));
    }

    [TestCase(new string[0], "no workload")]
    [TestCase(new[] { "--workload", "q.sql", "--budget", "lots" }, "--budget needs")]
    [TestCase(new[] { "--workload", "q.sql", "--format", "xml" }, "--format needs")]
    [TestCase(new[] { "--from-stats" }, "--from-stats needs --connection")]
    public async Task Usage_errors_exit_2_with_a_clear_message(string[] args, string message)
    {
        var (code, _, error) = await Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain(message));
    }

    [TestCase("500MB", 500L * 1024 * 1024, null)]
    [TestCase("1.5GB", 1610612736L, null)]
    [TestCase("25%", null, 0.25)]
    [TestCase("4096", 4096L, null)]
    public void Budgets_read_sizes_and_percentages(string text, long? bytes, double? fraction)
    {
        Assert.That(AdviseCommand.TryParseBudget(text, out var b, out var f), Is.True);
        Assert.That(b, Is.EqualTo(bytes));
        Assert.That(f, Is.EqualTo(fraction));
    }
}

public class StatementPlanTreeTests
{
    [Test]
    public void The_tree_gives_each_node_its_own_share_and_marks_the_scan_the_finding_is_about()
    {
        var scanOrders = new PlanNode { NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = "orders", TotalCost = 900, EstimatedRows = 5000 };
        var scanCustomers = new PlanNode { NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = "customers", TotalCost = 50 };
        var join = new PlanNode { NodeType = "Hash Join", Operation = PlanOperation.HashJoin, TotalCost = 1000, Children = [scanOrders, scanCustomers] };
        var plan = new QueryPlan { Engine = "postgres", Root = join };

        var highlight = StatementPlanHandler.Highlight(plan, "customers");
        Assert.That(highlight, Is.SameAs(scanCustomers), "the finding names customers");
        Assert.That(StatementPlanHandler.Highlight(plan, null), Is.SameAs(scanOrders), "else the costliest full scan");

        var tree = StatementPlanHandler.Tree(plan, highlight);
        Assert.That(tree.CostShare, Is.EqualTo(0.05).Within(1e-9), "the join's own cost: 1000 - 900 - 50");
        Assert.That(tree.Children[0].CostShare, Is.EqualTo(0.9).Within(1e-9));
        Assert.That(tree.Children.Select(c => c.Highlighted), Is.EqualTo(new[] { false, true }));
        Assert.That(tree.Children[0].Rows, Is.EqualTo(5000));
        Assert.That(new[] { tree.Id, tree.Children[0].Id, tree.Children[1].Id }.Distinct().Count(), Is.EqualTo(3));
    }
}
