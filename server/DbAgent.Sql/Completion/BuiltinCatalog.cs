using System.Collections.Concurrent;

namespace DbAgent.Sql.Completion;

public enum BuiltinKind
{
    Function,
    Aggregate,
    Window,
}

/// <summary>One parameter of a built-in function, as the table writes it (<c>[offset integer]</c> is optional).</summary>
public sealed record BuiltinParameter(string Label, bool Optional);

/// <summary>A built-in function of a dialect: its signature, what it returns and what it does.</summary>
public sealed record BuiltinFunction(string Name, BuiltinKind Kind, IReadOnlyList<BuiltinParameter> Parameters, string Returns, string Description)
{
    /// <summary>Written without parentheses (current_date).</summary>
    public bool Bare { get; init; }

    public string Signature => Bare ? Name : $"{Name}({string.Join(", ", Parameters.Select(p => p.Optional ? $"[{p.Label}]" : p.Label))})";
}

/// <summary>
/// The built-in functions and types of each dialect, read from the table kept as data beside this class
/// (<c>Completion/Data/&lt;dialect&gt;.tsv</c>, embedded): completion offers them, signature help shows them.
/// </summary>
public sealed class BuiltinCatalog
{
    private static readonly ConcurrentDictionary<SqlDialect, BuiltinCatalog> Loaded = new();

    private BuiltinCatalog(SqlDialect dialect, List<BuiltinFunction> functions, List<string> types)
    {
        Dialect = dialect;
        Functions = functions;
        Types = types;
        _byName = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<BuiltinFunction>)g.ToList(), StringComparer.OrdinalIgnoreCase);
    }

    private readonly Dictionary<string, IReadOnlyList<BuiltinFunction>> _byName;

    public SqlDialect Dialect { get; }
    public IReadOnlyList<BuiltinFunction> Functions { get; }
    public IReadOnlyList<string> Types { get; }

    /// <summary>The overloads of a function, or none.</summary>
    public IReadOnlyList<BuiltinFunction> Find(string name) => _byName.TryGetValue(name, out var f) ? f : [];

    public static BuiltinCatalog For(SqlDialect dialect) => Loaded.GetOrAdd(dialect, Load);

    private static BuiltinCatalog Load(SqlDialect dialect)
    {
        var file = dialect.ToName();
        using var stream = typeof(BuiltinCatalog).Assembly.GetManifestResourceStream($"DbAgent.Sql.Completion.{file}.tsv")
            ?? throw new InvalidOperationException($"The built-in function table for {file} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(dialect, reader.ReadToEnd());
    }

    /// <summary>Reads the table: <c>kind TAB name(parameters) TAB returns TAB description</c>; <c>#</c> starts a comment line.</summary>
    public static BuiltinCatalog Parse(SqlDialect dialect, string text)
    {
        var functions = new List<BuiltinFunction>();
        var types = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var cells = line.Split('\t');
            if (cells[0] == "t") { types.Add(cells[1]); continue; }
            if (cells.Length < 4) throw new FormatException($"Built-in table line needs four cells: {line}");
            var kind = cells[0] switch { "a" => BuiltinKind.Aggregate, "w" => BuiltinKind.Window, _ => BuiltinKind.Function };
            var signature = cells[1];
            var open = signature.IndexOf('(');
            if (open < 0)
            {
                functions.Add(new BuiltinFunction(signature, kind, [], cells[2], cells[3]) { Bare = true });
                continue;
            }
            var name = signature[..open];
            var inner = signature[(open + 1)..signature.LastIndexOf(')')];
            var parameters = SplitTopLevel(inner).Select(p => p.StartsWith('[') && p.EndsWith(']')
                ? new BuiltinParameter(p[1..^1], true) : new BuiltinParameter(p, false)).ToList();
            functions.Add(new BuiltinFunction(name, kind, parameters, cells[2], cells[3]));
        }
        return new BuiltinCatalog(dialect, functions, types);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '(' or '[') depth++;
            else if (text[i] is ')' or ']') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                if (text[start..i].Trim() is { Length: > 0 } part) yield return part;
                start = i + 1;
            }
        }
        if (text[start..].Trim() is { Length: > 0 } last) yield return last;
    }
}
