using System.Globalization;

namespace DbAgent.SampleData;

/// <summary>How a sample column is stored; each engine's writer maps it to its own parameter type.</summary>
public enum SampleColumnType
{
    Int64,
    Int32,
    Text,
    Timestamp,
    Json,
    /// <summary>A PostgreSQL enum type (ENUM on MySQL, TEXT with a CHECK on SQLite).</summary>
    Enum,
}

public sealed record SampleColumn(string Name, SampleColumnType Type, string? PostgresType = null);

public sealed record SampleTable(string Name, IReadOnlyList<SampleColumn> Columns);

/// <summary>Row counts of one generated shop. Everything scales with the number of orders.</summary>
public sealed record SampleSize(int Customers, int Products, int Orders, int Events)
{
    public const int DefaultOrders = 200_000;
    public const int MinimumOrders = 10;

    public static SampleSize Default { get; } = ForOrders(DefaultOrders);

    /// <summary>200,000 orders give 50,000 customers, 20,000 products, ~600,000 order lines and 200,000 events.</summary>
    public static SampleSize ForOrders(int orders)
    {
        if (orders < MinimumOrders)
            throw new ArgumentOutOfRangeException(nameof(orders), $"the sample needs at least {MinimumOrders} orders");
        return new SampleSize(
            Customers: Math.Max(5, orders / 4),
            Products: Math.Max(10, orders / 10),
            Orders: orders,
            Events: orders);
    }
}

/// <summary>
/// The online shop of <c>samples/workspace*</c>: its tables in load order and deterministic rows for them. The
/// shape is what makes plans interesting: skewed customers, orders whose dates follow their ids, a rare coupon
/// code, last names of which a share end in "son", one customer (Ada Lovelace, id 1815) the sample queries name.
/// </summary>
public static class SampleShop
{
    public static readonly SampleTable Customers = new("customers",
    [
        new("id", SampleColumnType.Int64), new("email", SampleColumnType.Text),
        new("first_name", SampleColumnType.Text), new("last_name", SampleColumnType.Text),
        new("country", SampleColumnType.Text), new("city", SampleColumnType.Text),
        new("status", SampleColumnType.Enum, "customer_status"), new("loyalty_points", SampleColumnType.Int32),
        new("created_at", SampleColumnType.Timestamp),
    ]);

    public static readonly SampleTable Products = new("products",
    [
        new("id", SampleColumnType.Int64), new("sku", SampleColumnType.Text), new("name", SampleColumnType.Text),
        new("category", SampleColumnType.Text), new("price_cents", SampleColumnType.Int32),
        new("stock", SampleColumnType.Int32), new("created_at", SampleColumnType.Timestamp),
    ]);

    public static readonly SampleTable Orders = new("orders",
    [
        new("id", SampleColumnType.Int64), new("customer_id", SampleColumnType.Int64),
        new("status", SampleColumnType.Enum, "order_status"), new("ordered_at", SampleColumnType.Timestamp),
        new("shipped_at", SampleColumnType.Timestamp), new("total_cents", SampleColumnType.Int64),
        new("shipping_country", SampleColumnType.Text), new("coupon_code", SampleColumnType.Text),
    ]);

    public static readonly SampleTable OrderItems = new("order_items",
    [
        new("id", SampleColumnType.Int64), new("order_id", SampleColumnType.Int64),
        new("product_id", SampleColumnType.Int64), new("quantity", SampleColumnType.Int32),
        new("unit_price_cents", SampleColumnType.Int32),
    ]);

    public static readonly SampleTable Events = new("events",
    [
        new("id", SampleColumnType.Int64), new("customer_id", SampleColumnType.Int64),
        new("order_id", SampleColumnType.Int64), new("kind", SampleColumnType.Text),
        new("payload", SampleColumnType.Json), new("occurred_at", SampleColumnType.Timestamp),
    ]);

    /// <summary>In the order they are loaded (referenced tables first).</summary>
    public static IReadOnlyList<SampleTable> Tables { get; } = [Customers, Products, Orders, OrderItems, Events];

    /// <summary>The types the PostgreSQL migrations create, dropped with the tables by --force.</summary>
    public static IReadOnlyList<string> PostgresTypes { get; } = ["order_status", "customer_status"];

    public const int DefaultSeed = 1815;
    public const int AdaLovelaceId = 1815;

    private static readonly DateTime CustomersFrom = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime ProductsFrom = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime OrdersFrom = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime OrdersTo = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static IEnumerable<object?[]> Rows(SampleTable table, SampleSize size, int seed = DefaultSeed)
    {
        if (ReferenceEquals(table, Customers)) return CustomerRows(size, seed);
        if (ReferenceEquals(table, Products)) return ProductRows(size, seed);
        if (ReferenceEquals(table, Orders)) return OrderRows(size, seed);
        if (ReferenceEquals(table, OrderItems)) return OrderItemRows(size, seed);
        if (ReferenceEquals(table, Events)) return EventRows(size, seed);
        throw new ArgumentException($"'{table.Name}' is not a table of the sample shop", nameof(table));
    }

    private static IEnumerable<object?[]> CustomerRows(SampleSize size, int seed)
    {
        var span = (OrdersTo - CustomersFrom).TotalSeconds;
        for (long id = 1; id <= size.Customers; id++)
        {
            var rng = SampleRandom.For(seed, SampleStream.Customers, id);
            var first = rng.Pick(Names.First);
            var last = rng.Pick(Names.Last);
            if (id == AdaLovelaceId) (first, last) = ("Ada", "Lovelace");
            var (country, cities) = rng.PickWeighted(Names.Countries);
            var city = rng.Pick(cities);
            var status = rng.PickWeighted(CustomerStatuses);
            // Sign-up dates follow the ids, as they do in a real table filled over time.
            var createdAt = CustomersFrom.AddSeconds(Math.Floor(span * (id - 1 + rng.NextDouble()) / size.Customers));
            var email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}.{id.ToString(CultureInfo.InvariantCulture)}@example.com";
            yield return [id, email, first, last, country, city, status, rng.Next(0, 5001), createdAt];
        }
    }

    private static IEnumerable<object?[]> ProductRows(SampleSize size, int seed)
    {
        for (long id = 1; id <= size.Products; id++)
        {
            var product = Product(id, seed);
            var rng = SampleRandom.For(seed, SampleStream.Products, id);
            rng.NextUInt64(); // the draw Product() used for the price
            var category = rng.Pick(Names.Categories);
            var name = $"{rng.Pick(Names.Adjectives)} {rng.Pick(Names.Materials)} {rng.Pick(category.Nouns)}";
            var createdAt = ProductsFrom.AddMinutes(rng.Next(0, 3 * 365 * 24 * 60));
            yield return [id, $"SKU-{id:D6}", name, category.Name, product.PriceCents, rng.Next(0, 501), createdAt];
        }
    }

    private static IEnumerable<object?[]> OrderRows(SampleSize size, int seed)
    {
        var span = (OrdersTo - OrdersFrom).TotalSeconds;
        for (long id = 1; id <= size.Orders; id++)
        {
            var rng = SampleRandom.For(seed, SampleStream.Orders, id);
            var customerId = CustomerOf(ref rng, size);
            var orderedAt = OrdersFrom.AddSeconds(Math.Floor(span * (id - 1 + rng.NextDouble()) / size.Orders));
            var status = rng.PickWeighted(OrderStatuses);
            DateTime? shippedAt = status is "shipped" or "delivered" or "refunded"
                ? orderedAt.AddHours(rng.Next(6, 5 * 24))
                : null;
            var country = rng.PickWeighted(Names.Countries).Code;
            string? coupon = rng.Chance(0.03) ? rng.Pick(Names.Coupons) : null;
            long total = 0;
            foreach (var line in Lines(id, size, seed)) total += (long)line.Quantity * line.UnitPriceCents;
            yield return [id, customerId, status, orderedAt, shippedAt, total, country, coupon];
        }
    }

    private static IEnumerable<object?[]> OrderItemRows(SampleSize size, int seed)
    {
        long itemId = 0;
        for (long orderId = 1; orderId <= size.Orders; orderId++)
        {
            foreach (var line in Lines(orderId, size, seed))
                yield return [++itemId, orderId, line.ProductId, line.Quantity, line.UnitPriceCents];
        }
    }

    private static IEnumerable<object?[]> EventRows(SampleSize size, int seed)
    {
        var span = (OrdersTo - OrdersFrom).TotalSeconds;
        for (long id = 1; id <= size.Events; id++)
        {
            var rng = SampleRandom.For(seed, SampleStream.Events, id);
            var kind = rng.PickWeighted(EventKinds);
            var u = rng.NextDouble();
            long? customerId = kind == "page_view" && rng.Chance(0.4) ? null : 1 + (long)(u * u * size.Customers);
            long? orderId = null;
            if (kind == "checkout")
            {
                // The order placed at about the event's time, by that order's customer.
                var order = 1 + (long)((id - 1 + rng.NextDouble()) * size.Orders / size.Events);
                orderId = Math.Clamp(order, 1, size.Orders);
                var orderRng = SampleRandom.For(seed, SampleStream.Orders, orderId.Value);
                customerId = CustomerOf(ref orderRng, size);
            }
            var occurredAt = OrdersFrom.AddSeconds(Math.Floor(span * (id - 1 + rng.NextDouble()) / size.Events));
            var ip = $"203.0.113.{rng.Next(1, 255)}";
            var agent = rng.Pick(Names.Agents);
            var payload = kind switch
            {
                "product_view" or "add_to_cart" =>
                    $"{{\"ip\":\"{ip}\",\"agent\":\"{agent}\",\"product_id\":{1 + rng.Next(size.Products)}}}",
                "checkout" => $"{{\"ip\":\"{ip}\",\"agent\":\"{agent}\",\"order_id\":{orderId}}}",
                _ => $"{{\"ip\":\"{ip}\",\"agent\":\"{agent}\"}}",
            };
            yield return [id, customerId, orderId, kind, payload, occurredAt];
        }
    }

    /// <summary>An order's customer: its stream's first draw. Squaring it gives a few loyal customers a long tail.</summary>
    private static long CustomerOf(ref SampleRandom orderRng, SampleSize size)
    {
        var u = orderRng.NextDouble();
        return 1 + (long)(u * u * size.Customers);
    }

    private readonly record struct OrderLine(long ProductId, int Quantity, int UnitPriceCents);
    private readonly record struct ProductFacts(int PriceCents);

    /// <summary>1 to 5 lines (3 on average); each a pure function of the order id, read by orders and items alike.</summary>
    private static IEnumerable<OrderLine> Lines(long orderId, SampleSize size, int seed)
    {
        var rng = SampleRandom.For(seed, SampleStream.OrderLines, orderId);
        var count = rng.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            // Popular products first: a few best sellers and many that rarely sell.
            var u = rng.NextDouble();
            long productId = 1 + (long)(u * u * size.Products);
            var quantity = rng.Chance(0.8) ? 1 : rng.Next(2, 6);
            yield return new OrderLine(productId, quantity, Product(productId, seed).PriceCents);
        }
    }

    private static ProductFacts Product(long productId, int seed)
    {
        var rng = SampleRandom.For(seed, SampleStream.Products, productId);
        // Prices between 1.99 and ~500, most of them cheap.
        var u = rng.NextDouble();
        var price = 199 + (int)(u * u * u * 49_800);
        return new ProductFacts(price);
    }

    private static readonly (string, int)[] CustomerStatuses = [("active", 95), ("suspended", 4), ("closed", 1)];

    private static readonly (string, int)[] OrderStatuses =
        [("delivered", 70), ("shipped", 8), ("paid", 6), ("pending", 4), ("cancelled", 8), ("refunded", 4)];

    private static readonly (string, int)[] EventKinds =
    [
        ("page_view", 45), ("product_view", 25), ("add_to_cart", 12), ("login", 8), ("checkout", 6),
        ("address_change", 3), ("password_reset", 1),
    ];
}
