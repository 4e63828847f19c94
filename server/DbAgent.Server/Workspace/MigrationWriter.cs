using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DbAgent.Sql.Migrations;

namespace DbAgent.Server.Workspace;

/// <summary>One file a new migration consists of.</summary>
public sealed record NewMigrationFile(string Path, string Content);

/// <summary>
/// Writes a new migration the way the folder's tool names and orders them, so that the tool picks it up next:
/// the next version number (keeping the folder's zero padding) or a UTC timestamp, and a down migration where the
/// tool has one (a separate .down.sql, dbmate's `-- migrate:down` section), else the down statement as a comment.
/// </summary>
public static partial class MigrationWriter
{
    public static IReadOnlyList<NewMigrationFile> Create(MigrationSet set, string description, string up, string down, DateTimeOffset now)
    {
        var slug = Slug(description);
        var timestamp = now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        up = up.TrimEnd() + Environment.NewLine;
        down = down.TrimEnd() + Environment.NewLine;
        var undoComment = $"-- To undo:{Environment.NewLine}{Comment(down)}";
        switch (set.Tool)
        {
            case MigrationTool.Flyway:
                return [new(Path.Combine(set.Directory, $"V{NextVersion(set)}__{slug}.sql"), up + Environment.NewLine + undoComment)];
            case MigrationTool.GolangMigrate:
            {
                var version = NextVersion(set);
                return
                [
                    new(Path.Combine(set.Directory, $"{version}_{slug}.up.sql"), up),
                    new(Path.Combine(set.Directory, $"{version}_{slug}.down.sql"), down),
                ];
            }
            case MigrationTool.Dbmate:
                return [new(Path.Combine(set.Directory, $"{timestamp}_{slug}.sql"), $"-- migrate:up{Environment.NewLine}{up}{Environment.NewLine}-- migrate:down{Environment.NewLine}{down}")];
            case MigrationTool.Timestamped:
                return [new(Path.Combine(set.Directory, $"{timestamp}_{slug}.sql"), up + Environment.NewLine + undoComment)];
            case MigrationTool.Prisma:
                return [new(Path.Combine(set.Directory, $"{timestamp}_{slug}", "migration.sql"), up + Environment.NewLine + undoComment)];
            default:
                return [new(Path.Combine(set.Directory, $"{NextVersion(set)}_{slug}.sql"), up + Environment.NewLine + undoComment)];
        }
    }

    /// <summary>One more than the highest version, padded as the latest file's number is (009 → 010).</summary>
    public static string NextVersion(MigrationSet set)
    {
        var versioned = set.Files.Where(f => !f.Repeatable && f.Version.Parts.Count > 0).ToList();
        if (versioned.Count == 0) return set.Tool == MigrationTool.Flyway ? "1" : "001";
        var latest = versioned.MaxBy(f => f.Version)!;
        var major = latest.Version.Parts[0];
        var next = (System.Numerics.BigInteger.Parse(major, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        var name = Path.GetFileName(latest.Tool == MigrationTool.Prisma ? Path.GetDirectoryName(latest.Path)! : latest.Path);
        var digits = LeadingDigits().Match(name.TrimStart('V', 'v'));
        var width = digits.Success ? digits.Length : 0;
        return next.PadLeft(width, '0');
    }

    public static string Slug(string description)
    {
        var slug = NonWord().Replace(description.ToLowerInvariant(), "_").Trim('_');
        return slug.Length == 0 ? "migration" : slug.Length > 60 ? slug[..60].TrimEnd('_') : slug;
    }

    private static string Comment(string text)
    {
        var builder = new StringBuilder();
        foreach (var line in text.TrimEnd().Split('\n'))
            builder.Append("-- ").Append(line.TrimEnd('\r')).Append(Environment.NewLine);
        return builder.ToString();
    }

    [GeneratedRegex(@"^\d+")]
    private static partial Regex LeadingDigits();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonWord();
}
