namespace DbAgent.Sql.Semantics;

/// <summary>Normalises a type as written to one spelling per type, so models from different migrations compare.</summary>
public static class TypeNames
{
    public static string Normalize(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return "";
        // Lower case, single spaces, no spaces around parentheses and commas.
        var chars = new System.Text.StringBuilder(raw.Length);
        var space = false;
        foreach (var c in raw.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && c is not ('(' or ')' or ',') && chars.Length > 0 && chars[^1] is not ('(' or ',')) chars.Append(' ');
            space = false;
            chars.Append(char.ToLowerInvariant(c));
        }
        var text = chars.ToString().Replace("\"", "").Replace("`", "").Replace("[", "").Replace("]", "");
        if (text.EndsWith(" unsigned", StringComparison.Ordinal)) text = text[..^9] + " unsigned";
        var paren = text.IndexOf('(');
        var head = paren < 0 ? text : text[..paren];
        var args = paren < 0 ? "" : text[paren..];
        if (head.StartsWith("pg_catalog.", StringComparison.Ordinal)) head = head[11..];
        if (head.StartsWith("sys.", StringComparison.Ordinal)) head = head[4..];
        head = head switch
        {
            "int" or "int4" or "integer" => "integer",
            "int8" or "bigint" => "bigint",
            "int2" or "smallint" => "smallint",
            "serial" or "serial4" => "integer",
            "bigserial" or "serial8" => "bigint",
            "smallserial" or "serial2" => "smallint",
            "bool" or "boolean" => "boolean",
            "float8" or "double precision" or "double" => "double precision",
            "float4" or "real" => "real",
            "decimal" or "numeric" => "numeric",
            "character varying" or "varchar" => "varchar",
            "character" or "char" or "bpchar" => "char",
            "timestamp without time zone" or "timestamp" => "timestamp",
            "timestamp with time zone" or "timestamptz" => "timestamptz",
            "time without time zone" => "time",
            "time with time zone" or "timetz" => "timetz",
            _ => head,
        };
        return head + args;
    }

    /// <summary>PostgreSQL serial types: an integer with a sequence default.</summary>
    public static bool IsSerial(string raw)
    {
        var t = raw.Trim().ToLowerInvariant();
        return t is "serial" or "serial4" or "bigserial" or "serial8" or "smallserial" or "serial2";
    }
}
