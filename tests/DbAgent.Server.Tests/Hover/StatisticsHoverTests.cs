using System.Text;
using DbAgent.Databases;
using DbAgent.Server.Features.Hover;
using DbAgent.Sql.Semantics;

namespace DbAgent.Server.Tests.Statistics;

[TestFixture]
public sealed class StatisticsHoverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_table_shows_rows_sizes_scans_maintenance_and_indexes_compactly()
    {
        var stats = new TableStats(new QualifiedName("public", "orders"))
        {
            EstimatedRows = 1_240_000, LiveRows = 1_249_000, DeadRows = 200_000, TableBytes = 150L << 20, IndexBytes = 40L << 20, TotalBytes = 190L << 20,
            SequentialScans = 42, IndexScans = 98_000, LastAutoVacuum = Now.AddHours(-3), LastAnalyze = Now.AddDays(-2),
            Indexes = [new IndexStats("orders_pkey") { Primary = true, SizeBytes = 28L << 20, Scans = 97_000 }, new IndexStats("ix_orders_status") { SizeBytes = 12L << 20, Scans = 0 }],
        };
        var markdown = new StringBuilder();
        StatisticsHover.DescribeTable(markdown, stats, "shop", Now);
        var text = markdown.ToString();
        Assert.That(text, Does.Contain("from `shop`"));
        Assert.That(text, Does.Contain("~1.2M rows"));
        Assert.That(text, Does.Contain("200k dead (13.8%: vacuum is behind)"));
        Assert.That(text, Does.Contain("table 150 MiB · indexes 40 MiB · total 190 MiB"));
        Assert.That(text, Does.Contain("42 sequential · 98k by index"));
        Assert.That(text, Does.Contain("last vacuum 3 h ago · analyze 2 days ago"));
        Assert.That(text, Does.Contain("| `orders_pkey` (primary) | 28 MiB | 97k |"));
        Assert.That(text, Does.Contain("| `ix_orders_status` | 12 MiB | 0 |"));
    }

    [Test]
    public void Indexes_without_size_or_use_figures_are_listed_without_empty_columns()
    {
        // SQLite: no index usage counters, and no sizes without the dbstat table.
        var stats = new TableStats(new QualifiedName("main", "orders"))
        {
            EstimatedRows = 200_000,
            Indexes = [new IndexStats("idx_orders_customer_ordered_at"), new IndexStats("sqlite_autoindex_orders_1") { Unique = true }],
        };
        var markdown = new StringBuilder();
        StatisticsHover.DescribeTable(markdown, stats, "shop", Now);
        var text = markdown.ToString();
        Assert.That(text, Does.Contain("- indexes: `idx_orders_customer_ordered_at`, `sqlite_autoindex_orders_1` (unique)"));
        Assert.That(text, Does.Not.Contain("| index").And.Not.Contain("|  |"));
    }

    [Test]
    public void Index_sizes_without_use_figures_show_the_size_column_only()
    {
        var stats = new TableStats(new QualifiedName("main", "orders"))
        {
            Indexes = [new IndexStats("ix_a") { SizeBytes = 4L << 20 }, new IndexStats("ix_b") { SizeBytes = 2048 }],
        };
        var markdown = new StringBuilder();
        StatisticsHover.DescribeTable(markdown, stats, "shop", Now);
        var text = markdown.ToString();
        Assert.That(text, Does.Contain("| index | size |").And.Contain("| `ix_a` | 4 MiB |").And.Contain("| `ix_b` | 2 KiB |"));
        Assert.That(text, Does.Not.Contain("scans"));
    }

    [Test]
    public void Index_names_alone_are_not_repeated_when_the_schema_part_lists_the_indexes()
    {
        var stats = new TableStats(new QualifiedName("main", "orders")) { Indexes = [new IndexStats("ix_a"), new IndexStats("ix_b") { Unique = true }] };
        var alone = new StringBuilder();
        StatisticsHover.DescribeTable(alone, stats, "shop", Now);
        Assert.That(alone.ToString(), Does.Contain("- indexes: `ix_a`, `ix_b` (unique)"), "without the schema part the names are the only index facts");
        var besideSchema = new StringBuilder();
        StatisticsHover.DescribeTable(besideSchema, stats, "shop", Now, indexesListed: true);
        Assert.That(besideSchema.ToString(), Does.Not.Contain("ix_a"));
        var sized = new StringBuilder();
        StatisticsHover.DescribeTable(sized, stats with { Indexes = [new IndexStats("ix_a") { SizeBytes = 2048 }] }, "shop", Now, indexesListed: true);
        Assert.That(sized.ToString(), Does.Contain("| `ix_a` | 2 KiB |"), "sizes and use are facts the schema part does not have");
    }

    [Test]
    public void A_table_with_little_known_says_only_that()
    {
        var markdown = new StringBuilder();
        StatisticsHover.DescribeTable(markdown, new TableStats(new QualifiedName(null, "t")) { EstimatedRows = 12 }, "local", Now);
        Assert.That(markdown.ToString().Trim().Split('\n'), Has.Length.EqualTo(3));
        Assert.That(markdown.ToString(), Does.Contain("~12 rows").And.Not.Contain("scans").And.Not.Contain("| index"));
    }

    [Test]
    public void A_column_shows_nulls_distinct_values_common_values_and_correlation()
    {
        var stats = new ColumnStats(new QualifiedName(null, "orders"), "status")
        {
            DataType = "text", Nullable = false, NullFraction = 0, DistinctValues = 4,
            MostCommonValues = ["shipped", "pending", "cancelled"], MostCommonFrequencies = [0.7, 0.2, 0.1], Correlation = 0.12,
        };
        var markdown = new StringBuilder();
        StatisticsHover.DescribeColumn(markdown, stats, "shop");
        var text = markdown.ToString();
        Assert.That(text, Does.Contain("`text` · not null"));
        Assert.That(text, Does.Contain("nulls: 0%"));
        Assert.That(text, Does.Contain("distinct: 4"));
        Assert.That(text, Does.Contain("`shipped` 70%, `pending` 20%, `cancelled` 10%"));
        Assert.That(text, Does.Contain("correlation with row order: 0.12"));

        var relative = new StringBuilder();
        StatisticsHover.DescribeColumn(relative, stats with { DistinctValues = -0.5 }, "shop");
        Assert.That(relative.ToString(), Does.Contain("distinct: 50% of rows"));
    }
}
