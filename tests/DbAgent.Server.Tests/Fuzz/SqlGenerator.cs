using System.Text;
using DbAgent.Sql;

namespace DbAgent.Server.Tests.Fuzz;

/// <summary>
/// Grammar-based SQL for the fuzzing suite: statements of each dialect built from a small grammar (queries with
/// joins, subqueries, CASE, casts, set operations; DML; DDL; the dialect's own quoting, comments and batch syntax),
/// then, for some documents, damaged at random (cut, duplicated, sprinkled with quotes, brackets, comment openers,
/// NULs, lone surrogates). Seeded: a failing case is reproduced from its seed and index.
/// </summary>
internal sealed class SqlGenerator(int seed, SqlDialect dialect)
{
    private readonly Random _random = new(seed);
    public SqlDialect Dialect { get; } = dialect;

    private static readonly string[] Tables = ["orders", "customers", "items", "t", "order_items", "Weird Name", "x"];
    private static readonly string[] Columns = ["id", "customer_id", "total", "created_at", "name", "status", "a", "b", "note"];
    private static readonly string[] Functions = ["lower", "upper", "abs", "coalesce", "count", "sum", "max", "length", "round", "f"];
    private static readonly string[] Operators = ["+", "-", "*", "/", "=", "<>", "<", ">=", "||", "%", "AND", "OR", "LIKE"];
    private static readonly string[] Noise = ["'", "\"", "(", ")", "[", "]", "`", "$$", "/*", "*/", "--", ";", "\0", "\ud800", "\udc00", "😀", "\\", "\r", "\n", "GO\n", "DELIMITER //\n", "::", "$1", "@p", "?", "é", "\u2028", "\t", "E'"];

    public int Next(int max) => _random.Next(max);

    /// <summary>A whole document: a few statements, sometimes damaged, now and then one of the shapes that once broke the server.</summary>
    public string Document()
    {
        var roll = _random.Next(100);
        if (roll < 2) return Shape();
        var text = new StringBuilder();
        var statements = 1 + _random.Next(8);
        if (_random.Next(10) == 0) text.Append("-- dbagent: dialect=").Append(DialectName(_random.Next(5))).Append('\n');
        for (var i = 0; i < statements; i++)
        {
            if (_random.Next(6) == 0) text.Append(Comment());
            text.Append(Statement());
            text.Append(Dialect == SqlDialect.TSql && _random.Next(5) == 0 ? "\nGO\n" : ";\n");
        }
        return roll < 40 ? Damage(text.ToString()) : text.ToString();
    }

    /// <summary>Large or deep shapes, kept to a size a CI run can afford (the corpus holds the full-size ones).</summary>
    private string Shape() => _random.Next(6) switch
    {
        0 => "SELECT 1" + string.Concat(Enumerable.Repeat(" + 1", 1000 + _random.Next(20000))) + ";",
        1 => "SELECT " + new string('(', 1 + _random.Next(5000)) + "1;",
        2 => string.Join(" UNION ALL ", Enumerable.Repeat("SELECT 1", 1 + _random.Next(5000))) + ";",
        3 => string.Concat(Enumerable.Repeat("SELECT 1;\n", 1 + _random.Next(5000))),
        4 => "SELECT '" + new string('x', _random.Next(200_000)) + (_random.Next(2) == 0 ? "'" : "") + ";",
        _ => "SELECT " + string.Concat(Enumerable.Repeat("CASE WHEN a THEN ", 1 + _random.Next(300))) + "1" + string.Concat(Enumerable.Repeat(" END", _random.Next(300))) + ";",
    };

    private static string DialectName(int i) => i switch { 0 => "postgres", 1 => "mysql", 2 => "tsql", 3 => "sqlite", _ => "\0\udc00" };

    public string Damage(string text)
    {
        var sb = new StringBuilder(text);
        var cuts = 1 + _random.Next(4);
        for (var i = 0; i < cuts && sb.Length > 0; i++)
        {
            var at = _random.Next(sb.Length + 1);
            switch (_random.Next(4))
            {
                case 0: sb.Remove(Math.Min(at, sb.Length), Math.Min(_random.Next(20), sb.Length - Math.Min(at, sb.Length))); break;
                case 1: sb.Insert(at, Noise[_random.Next(Noise.Length)]); break;
                case 2:
                    var start = _random.Next(sb.Length);
                    var length = Math.Min(_random.Next(40), sb.Length - start);
                    sb.Insert(at, sb.ToString(start, length));
                    break;
                default: sb.Insert(at, (char)_random.Next(0x20, 0x3000)); break;
            }
        }
        return sb.ToString();
    }

    public string Statement() => _random.Next(10) switch
    {
        < 5 => Query(0),
        5 => $"INSERT INTO {Table()} ({Column()}, {Column()}) VALUES ({Expression(1)}, {Expression(1)})",
        6 => $"UPDATE {Table()} SET {Column()} = {Expression(1)}{(_random.Next(3) == 0 ? "" : " WHERE " + Condition(1))}",
        7 => $"DELETE FROM {Table()}{(_random.Next(3) == 0 ? "" : " WHERE " + Condition(1))}",
        8 => Ddl(),
        _ => Dialect switch
        {
            SqlDialect.Postgres => "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $body$ SELECT a + 1 $body$",
            SqlDialect.MySql => "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nSELECT 2",
            SqlDialect.TSql => "DECLARE @x int = 1; SELECT TOP (5) * FROM [orders] WITH (NOLOCK) WHERE id = @x",
            _ => "PRAGMA foreign_keys = ON",
        },
    };

    private string Ddl() => _random.Next(4) switch
    {
        0 => $"CREATE TABLE {Table()} (id int PRIMARY KEY, {Column()} {Type()} NOT NULL, {Column()} {Type()})",
        1 => $"CREATE INDEX ix_{_random.Next(100)} ON {Table()} ({Column()}{(_random.Next(2) == 0 ? ", " + Column() : "")})",
        2 => $"ALTER TABLE {Table()} ADD COLUMN {Column()} {Type()}{(_random.Next(2) == 0 ? " NOT NULL" : "")}",
        _ => $"DROP TABLE {Table()}",
    };

    private string Query(int depth)
    {
        var sb = new StringBuilder("SELECT ");
        if (Dialect == SqlDialect.TSql && _random.Next(4) == 0) sb.Append("TOP 10 ");
        if (_random.Next(5) == 0) sb.Append("DISTINCT ");
        var items = 1 + _random.Next(4);
        for (var i = 0; i < items; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_random.Next(6) == 0 ? "*" : Expression(depth + 1));
            if (_random.Next(4) == 0) sb.Append(" AS ").Append(Identifier("c" + i));
        }
        sb.Append(" FROM ").Append(Table());
        if (_random.Next(2) == 0) sb.Append(" o");
        var joins = _random.Next(3);
        for (var j = 0; j < joins; j++)
            sb.Append(_random.Next(2) == 0 ? " JOIN " : " LEFT JOIN ").Append(Table()).Append(" j").Append(j).Append(" ON j").Append(j).Append('.').Append(Column()).Append(" = o.").Append(Column());
        if (_random.Next(3) > 0) sb.Append(" WHERE ").Append(Condition(depth + 1));
        if (_random.Next(5) == 0) sb.Append(" GROUP BY ").Append(Column()).Append(" HAVING count(*) > ").Append(_random.Next(10));
        if (_random.Next(3) == 0) sb.Append(" ORDER BY ").Append(Column()).Append(_random.Next(2) == 0 ? " DESC" : "");
        if (Dialect != SqlDialect.TSql && _random.Next(3) == 0) sb.Append(" LIMIT ").Append(_random.Next(100));
        if (depth == 0 && _random.Next(8) == 0) sb.Append(_random.Next(2) == 0 ? " UNION " : " UNION ALL ").Append(Query(depth + 1));
        return sb.ToString();
    }

    private string Condition(int depth) => _random.Next(6) switch
    {
        0 when depth < 4 => $"({Condition(depth + 1)} {(_random.Next(2) == 0 ? "AND" : "OR")} {Condition(depth + 1)})",
        1 => $"{Column()} IN ({Expression(depth + 1)}, {Expression(depth + 1)})",
        2 when depth < 3 => $"EXISTS ({Query(depth + 1)})",
        3 => $"{Column()} IS {(_random.Next(2) == 0 ? "NOT " : "")}NULL",
        4 => $"{Column()} BETWEEN {_random.Next(100)} AND {_random.Next(1000)}",
        _ => $"{Expression(depth + 1)} {Operators[_random.Next(4, 8)]} {Expression(depth + 1)}",
    };

    private string Expression(int depth)
    {
        if (depth > 5) return Literal();
        return _random.Next(9) switch
        {
            0 or 1 => Literal(),
            2 or 3 => (_random.Next(2) == 0 ? "o." : "") + Column(),
            4 => $"{Functions[_random.Next(Functions.Length)]}({Expression(depth + 1)})",
            5 => $"{Expression(depth + 1)} {Operators[_random.Next(Operators.Length)]} {Expression(depth + 1)}",
            6 => $"({Expression(depth + 1)})",
            7 => $"CASE WHEN {Condition(depth + 1)} THEN {Expression(depth + 1)} ELSE {Expression(depth + 1)} END",
            _ => Dialect == SqlDialect.Postgres && _random.Next(2) == 0 ? $"{Expression(depth + 1)}::{Type()}" : $"CAST({Expression(depth + 1)} AS {Type()})",
        };
    }

    private string Literal() => _random.Next(6) switch
    {
        0 => _random.Next(100000).ToString(),
        1 => (_random.NextDouble() * 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        2 => "'" + RandomText().Replace("'", "''") + "'",
        3 => "NULL",
        4 => Dialect switch { SqlDialect.Postgres => "$1", SqlDialect.TSql => "@p", SqlDialect.MySql => "?", _ => "?1" },
        _ => Dialect == SqlDialect.Postgres ? "$$" + RandomText().Replace("$", "") + "$$" : "'x'",
    };

    private string RandomText()
    {
        var n = _random.Next(12);
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
            sb.Append(_random.Next(10) switch { 0 => "\ud800", 1 => "😀", 2 => "é", 3 => "\0", _ => ((char)('a' + _random.Next(26))).ToString() });
        return sb.ToString();
    }

    private string Table() => Identifier(Tables[_random.Next(Tables.Length)]);
    private string Column() => Identifier(Columns[_random.Next(Columns.Length)]);

    private string Identifier(string name)
    {
        if (!name.Contains(' ') && _random.Next(5) > 0) return name;
        return Dialect switch
        {
            SqlDialect.MySql => "`" + name + "`",
            SqlDialect.TSql => "[" + name + "]",
            _ => "\"" + name + "\"",
        };
    }

    private string Type() => _random.Next(5) switch
    {
        0 => "int", 1 => "text", 2 => "varchar(20)", 3 => "numeric(10, 2)", _ => Dialect == SqlDialect.TSql ? "datetime2" : "timestamp",
    };

    private string Comment() => _random.Next(3) switch
    {
        0 => "-- note " + RandomText() + "\n",
        1 => "/* block " + RandomText() + " */\n",
        _ => Dialect == SqlDialect.MySql ? "# hash comment\n" : "-- dbagent-ignore delete-without-where\n",
    };
}
