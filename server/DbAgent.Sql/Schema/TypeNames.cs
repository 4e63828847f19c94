using System.Text;

namespace DbAgent.Sql.Schema;

/// <summary>A column type in its normalised spelling, and whether the spelling itself implied an identity column (serial).</summary>
public readonly record struct NormalizedType(string Name, bool ImpliesIdentity);

/// <summary>
/// One spelling per column type, so that a type replayed from a migration and the same type read from a live catalog
/// compare equal: int4/int/integer → integer, character varying(n) → varchar(n), timestamp with time zone →
/// timestamptz, bool → boolean, serial → integer (+ identity), MySQL int(11) → integer, tinyint(1) → boolean.
/// Engine-specific types (datetime2, nvarchar(max), uniqueidentifier, jsonb, ...) keep their own name, lower-cased.
/// </summary>
public static class TypeNames
{
    public static string Normalize(string? rawType, SqlDialect dialect) => NormalizeWithIdentity(rawType, dialect).Name;

    /// <summary>
    /// Spellings already normalised, per dialect. A schema of 500,000 columns spells a few dozen types, and the
    /// binder and the replay each ask once per column: the same answer (and the same string, so a replayed schema
    /// holds one copy of "varchar(255)", not one per column). Bounded: past the cap new spellings are computed, not kept.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, SqlDialect), NormalizedType> Known = new();
    private const int KnownCap = 4096;

    public static NormalizedType NormalizeWithIdentity(string? rawType, SqlDialect dialect)
    {
        if (string.IsNullOrWhiteSpace(rawType)) return new NormalizedType("", false);
        if (Known.TryGetValue((rawType, dialect), out var known)) return known;
        var computed = Compute(rawType, dialect);
        if (Known.Count < KnownCap) Known.TryAdd((rawType, dialect), computed);
        return computed;
    }

    private static NormalizedType Compute(string rawType, SqlDialect dialect)
    {
        var parsed = Parse(rawType, dialect);
        if (parsed.Words.Count == 0) return new NormalizedType(rawType.Trim(), false);

        // T-SQL writes "int IDENTITY(1,1)" and MySQL "serial"/"auto_increment" beside the type: both mean identity.
        var identity = false;
        var words = parsed.Words;
        var identityAt = words.FindIndex(w => w is "identity" or "auto_increment");
        if (identityAt > 0)
        {
            identity = true;
            if (identityAt < parsed.ArgsAfterWord) parsed = parsed with { Args = null, ArgsAfterWord = int.MaxValue };
            words = words.Take(identityAt).ToList();
        }
        // Character set, collation and the like are column attributes, not part of the type.
        var attributeAt = words.FindIndex(1, w => w is "charset" or "collate" or "not" or "null" or "default" or "primary" or "references" or "generated" or "constraint" or "check" or "unique");
        var characterSetAt = words.FindIndex(1, w => w == "character");
        if (characterSetAt > 0 && characterSetAt + 1 < words.Count && words[characterSetAt + 1] == "set" && (attributeAt < 0 || characterSetAt < attributeAt))
            attributeAt = characterSetAt;
        if (attributeAt > 0) words = words.Take(attributeAt).ToList();

        var modifiers = new List<string>();
        while (words.Count > 1 && words[^1] is "unsigned" or "signed" or "zerofill")
        {
            if (words[^1] != "signed") modifiers.Insert(0, words[^1]);
            words = words.Take(words.Count - 1).ToList();
        }

        var name = string.Join(' ', words);
        var args = parsed.Args;
        var (mapped, mappedArgs, serial) = Map(name, args, dialect);
        var result = new StringBuilder(mapped);
        if (mappedArgs is not null) result.Append('(').Append(mappedArgs).Append(')');
        foreach (var m in modifiers) result.Append(' ').Append(m);
        for (var i = 0; i < parsed.ArrayDimensions; i++) result.Append("[]");
        return new NormalizedType(result.ToString(), identity || serial);
    }

    /// <summary>
    /// SQLite's type affinity of a declared type (https://www.sqlite.org/datatype3.html, 3.1): integer, text, blob,
    /// real or numeric. SQLite stores the declared name; the affinity is what it acts on.
    /// </summary>
    public static string SqliteAffinity(string? declaredType)
    {
        var t = (declaredType ?? "").ToUpperInvariant();
        if (t.Contains("INT", StringComparison.Ordinal)) return "integer";
        if (t.Contains("CHAR", StringComparison.Ordinal) || t.Contains("CLOB", StringComparison.Ordinal) || t.Contains("TEXT", StringComparison.Ordinal)) return "text";
        if (t.Length == 0 || t.Contains("BLOB", StringComparison.Ordinal)) return "blob";
        if (t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal)) return "real";
        return "numeric";
    }

    private static (string Name, string? Args, bool Serial) Map(string name, string? args, SqlDialect dialect)
    {
        switch (name)
        {
            case "int" or "int4" or "integer":
                return ("integer", IntegerArgs(args, dialect), false);
            case "mediumint":
                return ("mediumint", null, false);
            case "int8" or "bigint":
                return ("bigint", IntegerArgs(args, dialect), false);
            case "int2" or "smallint":
                return ("smallint", IntegerArgs(args, dialect), false);
            case "tinyint" when dialect == SqlDialect.MySql && args == "1":
                return ("boolean", null, false);
            case "tinyint":
                return ("tinyint", IntegerArgs(args, dialect), false);
            case "serial" when dialect == SqlDialect.MySql:
                return ("bigint unsigned", null, true);
            case "serial" or "serial4":
                return ("integer", null, true);
            case "bigserial" or "serial8":
                return ("bigint", null, true);
            case "smallserial" or "serial2":
                return ("smallint", null, true);
            case "bool" or "boolean":
                return ("boolean", null, false);
            case "float4" or "real":
                return ("real", null, false);
            case "float8" or "double precision" or "double":
                return ("double precision", null, false);
            case "float":
                return FloatType(args, dialect);
            case "decimal" or "numeric" or "dec" or "fixed":
                return ("numeric", StripSpaces(args), false);
            case "varchar" or "character varying" or "char varying" or "varchar2":
                return ("varchar", LowerArgs(args), false);
            case "nvarchar" or "national character varying" or "national char varying" or "nchar varying":
                return ("nvarchar", LowerArgs(args), false);
            case "char" or "character" or "bpchar":
                return ("char", StripSpaces(args), false);
            case "nchar" or "national character" or "national char":
                return ("nchar", StripSpaces(args), false);
            case "timestamp" or "timestamp without time zone":
                return ("timestamp", StripSpaces(args), false);
            case "timestamptz" or "timestamp with time zone":
                return ("timestamptz", StripSpaces(args), false);
            case "time" or "time without time zone":
                return ("time", StripSpaces(args), false);
            case "timetz" or "time with time zone":
                return ("timetz", StripSpaces(args), false);
            case "bit varying" or "varbit":
                return ("varbit", StripSpaces(args), false);
            case "bytea" or "blob" or "tinyblob" or "mediumblob" or "longblob" or "text" or "tinytext" or "mediumtext" or "longtext"
                or "ntext" or "image" or "date" or "datetime" or "datetime2" or "datetimeoffset" or "smalldatetime" or "uuid"
                or "uniqueidentifier" or "json" or "jsonb" or "xml" or "money" or "smallmoney" or "interval" or "inet" or "cidr"
                or "macaddr" or "varbinary" or "binary" or "bit" or "year" or "enum" or "set" or "geometry" or "point" or "rowversion"
                or "clob":
                return (name, LowerArgs(args), false);
            default:
                return (name, PreserveArgs(args), false);
        }
    }

    /// <summary>MySQL's int(11) is a display width, not a type parameter: drop it.</summary>
    private static string? IntegerArgs(string? args, SqlDialect dialect) => dialect == SqlDialect.MySql ? null : StripSpaces(args);

    /// <summary>float(p): up to 24 bits is a real, above a double, in every engine that takes the parameter.</summary>
    private static (string, string?, bool) FloatType(string? args, SqlDialect dialect)
    {
        if (args is not null && int.TryParse(args.Split(',')[0].Trim(), out var precision))
            return (precision <= 24 ? "real" : "double precision", null, false);
        // Plain FLOAT is 8 bytes in SQL Server, PostgreSQL and SQLite, 4 bytes in MySQL.
        return (dialect == SqlDialect.MySql ? "real" : "double precision", null, false);
    }

    private static string? StripSpaces(string? args) => args is null ? null : string.Concat(args.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    private static string? LowerArgs(string? args) => args is null ? null : PreserveArgs(args)!.Contains('\'') ? PreserveArgs(args) : StripSpaces(args);

    /// <summary>Keeps quoted values (enum('a','B')) as written; removes spaces after commas.</summary>
    private static string? PreserveArgs(string? args)
    {
        if (args is null) return null;
        var sb = new StringBuilder(args.Length);
        var inQuote = false;
        foreach (var c in args)
        {
            if (c == '\'') inQuote = !inQuote;
            if (!inQuote && char.IsWhiteSpace(c)) continue;
            sb.Append(inQuote ? c : char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private sealed record ParsedType(List<string> Words, string? Args, int ArgsAfterWord, int ArrayDimensions);

    /// <summary>Splits "character varying (255) ARRAY" into words (lower-cased, unquoted), the first parenthesised arguments, and array dimensions.</summary>
    private static ParsedType Parse(string raw, SqlDialect dialect)
    {
        var words = new List<string>();
        string? args = null;
        var argsAfter = int.MaxValue;
        var arrays = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(')
            {
                var depth = 0;
                var start = i + 1;
                var inQuote = false;
                for (; i < raw.Length; i++)
                {
                    if (raw[i] == '\'') inQuote = !inQuote;
                    if (inQuote) continue;
                    if (raw[i] == '(') depth++;
                    else if (raw[i] == ')' && --depth == 0) break;
                }
                var end = Math.Min(i, raw.Length);
                if (args is null)
                {
                    args = raw[start..end].Trim();
                    argsAfter = words.Count;
                }
                i = end + 1;
                continue;
            }
            if (c == '[' && (i + 1 < raw.Length) && (raw[i + 1] == ']' || char.IsAsciiDigit(raw[i + 1])))
            {
                var close = raw.IndexOf(']', i);
                if (close < 0) break;
                arrays++;
                i = close + 1;
                continue;
            }
            if (c is '"' or '`' or '[')
            {
                var closeChar = c == '[' ? ']' : c;
                var close = raw.IndexOf(closeChar, i + 1);
                if (close < 0) close = raw.Length;
                // Quoting keeps case only in PostgreSQL; [NVARCHAR] and `INT` are the built-in types.
                var quoted = raw[(i + 1)..Math.Min(close, raw.Length)];
                words.Add(dialect == SqlDialect.Postgres ? quoted : quoted.ToLowerInvariant());
                i = close + 1;
                continue;
            }
            var wordStart = i;
            while (i < raw.Length && !char.IsWhiteSpace(raw[i]) && raw[i] is not '(' and not '[' and not '"' and not '`') i++;
            var word = raw[wordStart..i].ToLowerInvariant();
            if (word == "array" && words.Count > 0) { arrays++; continue; }
            // sys.int, pg_catalog.int4: the schema of a built-in type says nothing.
            if (word.StartsWith("pg_catalog.", StringComparison.Ordinal)) word = word["pg_catalog.".Length..];
            else if (word.StartsWith("sys.", StringComparison.Ordinal)) word = word["sys.".Length..];
            words.Add(word);
        }
        return new ParsedType(words, args, argsAfter, arrays);
    }
}
