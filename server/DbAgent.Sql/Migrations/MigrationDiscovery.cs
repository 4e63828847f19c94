using System.Text.RegularExpressions;

namespace DbAgent.Sql.Migrations;

/// <summary>The migration tool whose file layout a set of migrations follows.</summary>
public enum MigrationTool
{
    /// <summary>Numbered files in a migrations folder: 001_init.sql, 2_add_users.sql.</summary>
    Numbered,
    /// <summary>Flyway: V1__init.sql, V1.1__x.sql, R__views.sql (repeatable, applied after the versioned ones).</summary>
    Flyway,
    /// <summary>golang-migrate: 1_init.up.sql / 1_init.down.sql.</summary>
    GolangMigrate,
    /// <summary>dbmate: 20151129054053_name.sql holding `-- migrate:up` and `-- migrate:down` sections.</summary>
    Dbmate,
    /// <summary>Rails-style timestamps: 20240101120000_create_users.sql.</summary>
    Timestamped,
    /// <summary>Prisma: migrations/20240101000000_init/migration.sql.</summary>
    Prisma,
}

/// <summary>A version made of numeric parts (V1.10 → [1, 10]); compared part by part as numbers of any length.</summary>
public sealed class MigrationVersion : IComparable<MigrationVersion>, IEquatable<MigrationVersion>
{
    private readonly string[] _parts;

    private MigrationVersion(string[] parts) => _parts = parts;

    public static MigrationVersion None { get; } = new([]);

    public IReadOnlyList<string> Parts => _parts;

    public static MigrationVersion Parse(string text) =>
        new(text.Split(['.', '_'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.TrimStart('0') is { Length: > 0 } t ? t : "0").ToArray());

    public int CompareTo(MigrationVersion? other)
    {
        if (other is null) return 1;
        for (var i = 0; i < Math.Max(_parts.Length, other._parts.Length); i++)
        {
            var a = i < _parts.Length ? _parts[i] : "0";
            var b = i < other._parts.Length ? other._parts[i] : "0";
            // Leading zeros are gone: a longer run of digits is a larger number.
            var c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
            if (c != 0) return c;
        }
        return 0;
    }

    /// <summary>Equal when they compare equal: 1.0 is 1.</summary>
    public bool Equals(MigrationVersion? other) => other is not null && CompareTo(other) == 0;
    public override bool Equals(object? obj) => Equals(obj as MigrationVersion);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        var significant = _parts.Length;
        while (significant > 0 && _parts[significant - 1] == "0") significant--;
        for (var i = 0; i < significant; i++) hash.Add(_parts[i], StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public static bool operator ==(MigrationVersion? left, MigrationVersion? right) => left is null ? right is null : left.Equals(right);
    public static bool operator !=(MigrationVersion? left, MigrationVersion? right) => !(left == right);
    public static bool operator <(MigrationVersion? left, MigrationVersion? right) => left is null ? right is not null : left.CompareTo(right) < 0;
    public static bool operator <=(MigrationVersion? left, MigrationVersion? right) => left is null || left.CompareTo(right) <= 0;
    public static bool operator >(MigrationVersion? left, MigrationVersion? right) => left is not null && left.CompareTo(right) > 0;
    public static bool operator >=(MigrationVersion? left, MigrationVersion? right) => left is null ? right is null : left.CompareTo(right) >= 0;

    public override string ToString() => string.Join('.', _parts);
}

/// <summary>One migration file: where it is, which tool wrote it, its version and its name.</summary>
public sealed record MigrationFile(string Path, MigrationTool Tool, MigrationVersion Version, string Description)
{
    /// <summary>Flyway's repeatable migrations (R__) run after all versioned ones, ordered by description.</summary>
    public bool Repeatable { get; init; }
}

/// <summary>The migrations of one folder, in the order the tool applies them.</summary>
public sealed record MigrationSet(string Directory, MigrationTool Tool, IReadOnlyList<MigrationFile> Files);

/// <summary>
/// Finds the migration folders of a workspace and orders their files as their tool does: by version, numerically
/// (V2 before V10, 9_ before 10_), not by file name. Down/undo migrations are left out: the schema is what the up
/// migrations build. Alembic and other migrations written in a programming language are not SQL and not read.
/// </summary>
public static partial class MigrationDiscovery
{
    private const int MaxDepth = 8;
    private const int MaxDirectories = 20_000;

    private static readonly HashSet<string> IgnoredDirectories = new(StringComparer.OrdinalIgnoreCase)
    {
        "node_modules", ".git", ".hg", ".svn", "bin", "obj", "target", "dist", "build", "out", ".venv", "venv", "vendor", ".idea", ".vscode", ".vs",
    };

    [GeneratedRegex(@"^(?<kind>[VR])(?<version>\d+(?:[._]\d+)*)?__(?<name>.+)\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex FlywayName();

    [GeneratedRegex(@"^(?<version>\d+)_(?<name>.+)\.(?<direction>up|down)\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex GolangMigrateName();

    [GeneratedRegex(@"^(?<version>\d{12,14})(?:[_-](?<name>.*))?\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex TimestampName();

    [GeneratedRegex(@"^(?<version>\d+(?:\.\d+)*)(?:[_\-. ]+(?<name>.*))?\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberedName();

    [GeneratedRegex(@"^(?<version>\d+)(?:_(?<name>.*))?$")]
    private static partial Regex PrismaFolder();

    [GeneratedRegex(@"^\s*--\s*migrate:up\b", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DbmateUp();

    [GeneratedRegex(@"^\s*--\s*migrate:down\b", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DbmateDown();

    /// <summary>Every migration set under the folder, each in apply order. Never throws on unreadable folders.</summary>
    public static IReadOnlyList<MigrationSet> Discover(string workspaceFolder)
    {
        var sets = new List<MigrationSet>();
        if (!Directory.Exists(workspaceFolder)) return sets;
        var visited = 0;
        Walk(workspaceFolder, 0, sets, ref visited);
        sets.Sort((a, b) => string.CompareOrdinal(a.Directory, b.Directory));
        return sets;
    }

    private static void Walk(string directory, int depth, List<MigrationSet> sets, ref int visited)
    {
        if (++visited > MaxDirectories) return;
        if (Classify(directory) is { } set) sets.Add(set);
        if (depth >= MaxDepth) return;
        foreach (var child in SafeEnumerate(() => Directory.EnumerateDirectories(directory)))
        {
            var name = Path.GetFileName(child);
            if (IgnoredDirectories.Contains(name)) continue;
            if (new DirectoryInfo(child).LinkTarget is not null) continue; // no symlink loops
            Walk(child, depth + 1, sets, ref visited);
        }
    }

    /// <summary>The migration set a folder holds, if its files follow one tool's layout.</summary>
    public static MigrationSet? Classify(string directory)
    {
        var prisma = PrismaSet(directory);
        if (prisma is not null) return prisma;

        var files = SafeEnumerate(() => Directory.EnumerateFiles(directory, "*.sql")).ToList();
        if (files.Count == 0) return null;

        var flyway = new List<MigrationFile>();
        var golang = new List<MigrationFile>();
        var timestamped = new List<MigrationFile>();
        var numbered = new List<MigrationFile>();
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            if (FlywayName().Match(name) is { Success: true } f)
            {
                var repeatable = f.Groups["kind"].Value is "R" or "r";
                if (!repeatable && !f.Groups["version"].Success) continue;
                flyway.Add(new MigrationFile(path, MigrationTool.Flyway,
                    repeatable ? MigrationVersion.None : MigrationVersion.Parse(f.Groups["version"].Value), f.Groups["name"].Value.Replace('_', ' '))
                { Repeatable = repeatable });
            }
            else if (GolangMigrateName().Match(name) is { Success: true } g)
            {
                if (g.Groups["direction"].Value.Equals("up", StringComparison.OrdinalIgnoreCase))
                    golang.Add(new MigrationFile(path, MigrationTool.GolangMigrate, MigrationVersion.Parse(g.Groups["version"].Value), g.Groups["name"].Value));
            }
            else if (IsDownFile(name))
            {
                continue;
            }
            else if (TimestampName().Match(name) is { Success: true } t)
            {
                var tool = IsDbmate(path) ? MigrationTool.Dbmate : MigrationTool.Timestamped;
                timestamped.Add(new MigrationFile(path, tool, MigrationVersion.Parse(t.Groups["version"].Value), t.Groups["name"].Value));
            }
            else if (NumberedName().Match(name) is { Success: true } n && LooksLikeMigrationFolder(directory))
            {
                numbered.Add(new MigrationFile(path, MigrationTool.Numbered, MigrationVersion.Parse(n.Groups["version"].Value), n.Groups["name"].Value));
            }
        }

        // One folder, one tool: the layout most of its files follow.
        var candidates = new[] { flyway, golang, timestamped, numbered };
        var best = candidates.MaxBy(c => c.Count)!;
        if (best.Count == 0) return null;
        if (best == timestamped && !LooksLikeMigrationFolder(directory) && !best.Any(f => f.Tool == MigrationTool.Dbmate)) return null;
        var ordered = best
            .OrderBy(f => f.Repeatable)
            .ThenBy(f => f.Version)
            .ThenBy(f => f.Description, StringComparer.Ordinal)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var setTool = best == timestamped && ordered.Any(f => f.Tool == MigrationTool.Dbmate) ? MigrationTool.Dbmate : ordered[0].Tool;
        return new MigrationSet(directory, setTool, ordered);
    }

    /// <summary>A Prisma migrations folder: subfolders named timestamp_name, each with a migration.sql.</summary>
    private static MigrationSet? PrismaSet(string directory)
    {
        var files = new List<MigrationFile>();
        foreach (var child in SafeEnumerate(() => Directory.EnumerateDirectories(directory)))
        {
            if (PrismaFolder().Match(Path.GetFileName(child)) is not { Success: true } m) continue;
            var migration = Path.Combine(child, "migration.sql");
            if (!File.Exists(migration)) continue;
            files.Add(new MigrationFile(migration, MigrationTool.Prisma, MigrationVersion.Parse(m.Groups["version"].Value), m.Groups["name"].Value));
        }
        if (files.Count == 0) return null;
        return new MigrationSet(directory, MigrationTool.Prisma, files.OrderBy(f => f.Version).ThenBy(f => f.Path, StringComparer.Ordinal).ToList());
    }

    private static bool IsDownFile(string name) =>
        name.EndsWith(".down.sql", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("_down.sql", StringComparison.OrdinalIgnoreCase)
        || (name.Length > 1 && name[0] is 'U' or 'u' && name.Contains("__", StringComparison.Ordinal) && char.IsAsciiDigit(name[1]));

    private static bool LooksLikeMigrationFolder(string directory)
    {
        var name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return name.Contains("migrat", StringComparison.OrdinalIgnoreCase)
            || name.Equals("schema", StringComparison.OrdinalIgnoreCase)
            || name.Equals("changes", StringComparison.OrdinalIgnoreCase)
            || name.Equals("deltas", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsDbmate(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[4096];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return DbmateUp().IsMatch(new string(buffer, 0, read));
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>
    /// The part of a migration file its tool applies going up: the whole file, except for dbmate, where it is the
    /// `-- migrate:up` section. Returned as a prefix length so offsets stay those of the file.
    /// </summary>
    public static int UpSectionLength(MigrationFile file, string text)
    {
        if (file.Tool != MigrationTool.Dbmate) return text.Length;
        var down = DbmateDown().Match(text);
        var up = DbmateUp().Match(text);
        return down.Success && (!up.Success || down.Index > up.Index) ? down.Index : text.Length;
    }

    private static IEnumerable<string> SafeEnumerate(Func<IEnumerable<string>> enumerate)
    {
        try { return enumerate().ToList(); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
