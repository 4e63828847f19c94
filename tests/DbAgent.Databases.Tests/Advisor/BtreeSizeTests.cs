using DbAgent.Databases.Engines.Postgres;

namespace DbAgent.Databases.Tests.Advisor;

/// <summary>The B-tree size estimate's arithmetic (the built sizes quoted were measured on PostgreSQL 15).</summary>
public class BtreeSizeTests
{
    private static readonly (int, int)[] TwoInts = [(4, 4), (4, 4)];

    [Test]
    public void Rows_that_share_a_key_are_one_posting_list_and_the_estimate_follows_the_built_index()
    {
        // 3M rows of (product_id, quantity): about 90,000 combinations, 33 rows each. Built: 21.9 MB.
        var deduplicated = BtreeSize.Estimate(3_000_000, TwoInts, distinctKeys: 89_200);
        var plain = BtreeSize.Estimate(3_000_000, TwoInts);
        Assert.That(deduplicated / 1048576.0, Is.InRange(21.9 * 0.9, 21.9 * 1.1));
        Assert.That(plain, Is.GreaterThan(2.5 * deduplicated), "without deduplication every row is a tuple of its own");
    }

    [Test]
    public void Keys_of_a_row_or_so_each_gain_little_and_unique_keys_nothing()
    {
        // (order_id) of 3M items, a million orders: 3 rows a key. Built: 47.0 MB.
        var three = BtreeSize.Estimate(3_000_000, [(8, 8)], distinctKeys: 966_000);
        Assert.That(three / 1048576.0, Is.InRange(47.0 * 0.9, 47.0 * 1.1));
        Assert.That(BtreeSize.Estimate(3_000_000, [(8, 8)], distinctKeys: 3_000_000), Is.EqualTo(BtreeSize.Estimate(3_000_000, [(8, 8)])));
    }

    [Test]
    public void A_posting_list_holds_at_most_what_half_a_page_item_takes()
    {
        // One key for a million rows: not one tuple but posting lists of about 220 pointers, 6 bytes each.
        var bytes = BtreeSize.Estimate(1_000_000, [(8, 4)], distinctKeys: 1);
        Assert.That(bytes, Is.InRange(6_000_000, 8_000_000));
    }

    [Test]
    public void Distinct_keys_come_from_one_column_or_the_combinations_independent_columns_fill()
    {
        Assert.That(BtreeSize.DistinctKeys([10_000], 3_000_000, 3_000_000), Is.EqualTo(10_000));
        Assert.That(BtreeSize.DistinctKeys([-0.5], 3_000_000, 3_000_000), Is.EqualTo(1_500_000), "negative: a fraction of the rows");
        Assert.That(BtreeSize.DistinctKeys([5], 1_000, 3_000_000), Is.EqualTo(5), "a partial index's rows");
        Assert.That(BtreeSize.DistinctKeys([8_920, 10], 3_000_000, 3_000_000)!.Value, Is.EqualTo(89_200).Within(1));
        Assert.That(BtreeSize.DistinctKeys([-1, 10], 3_000_000, 3_000_000)!.Value, Is.InRange(2_800_000, 3_000_000), "a unique column: nearly every row its own key");
        Assert.That(BtreeSize.DistinctKeys([1e9, 1e9, 1e9], 3_000_000, 3_000_000)!.Value, Is.EqualTo(3_000_000).Within(1));
        Assert.That(BtreeSize.DistinctKeys([null, 10], 3_000_000, 3_000_000), Is.Null, "no statistics: no deduplication assumed");
    }
}
