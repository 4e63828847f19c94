using System.Text.RegularExpressions;

namespace DbAgent.Databases.Connections;

/// <summary>
/// Strips passwords from connection strings, URLs and messages before they are shown or logged. Every text that
/// leaves the Databases layer (failure messages, status, logs) goes through here.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    // scheme://user:password@host — the password runs to the last '@' before a slash or blank.
    [GeneratedRegex(@"(?<prefix>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?<secret>[^\s/]*)@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPassword();

    // Password=...; Pwd=...; PGPASSWORD=...; ?password=...& (quoted values may hold ';').
    [GeneratedRegex(@"(?<prefix>\b(?:password|pwd|passwd|pass|pgpassword|mysql_pwd|sqlcmdpassword|access\s?token)\s*=\s*)(?<secret>""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;&\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValuePassword();

    /// <summary>Removes passwords written in URL or key=value form, and every known secret value wherever it appears.</summary>
    public static string Redact(string? text, IEnumerable<string?>? knownSecrets = null)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? string.Empty;
        var result = UrlPassword().Replace(text, m => m.Groups["prefix"].Value + Mask + "@");
        result = KeyValuePassword().Replace(result, m => m.Groups["prefix"].Value + Mask);
        if (knownSecrets is not null)
        {
            // Longest first so a secret that contains another is masked whole.
            foreach (var secret in knownSecrets.Where(s => !string.IsNullOrEmpty(s)).Distinct().OrderByDescending(s => s!.Length))
                result = result.Replace(secret!, Mask, StringComparison.Ordinal);
        }
        return result;
    }

    /// <summary>Redacts with the target's own password as a known secret.</summary>
    public static string Redact(string? text, ConnectionTarget? target) =>
        Redact(text, target is null ? null : [target.Password]);
}
