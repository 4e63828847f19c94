using System.IO.Hashing;
using System.Text;
using DbAgent.Analysis.Findings;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Cli;

/// <summary>
/// The SARIF fingerprints of one file's findings: stable across edits elsewhere in the file. A fingerprint hashes the
/// rule, the file, a digest of the whitespace-normalised text of the statement the finding is in, and how many times
/// that same triple occurred before. The digest is made once per statement, so the work is linear in the file's size
/// plus the number of findings -- a statement of 200,000 unclosed parentheses has 200,000 findings, and normalising its
/// text once per finding was quadratic (the check never finished). The hash is XxHash128: a fingerprint identifies, it
/// guards nothing, and a cryptographic hash loaded OpenSSL into every `dbagent check` (3.4 MiB of its peak memory).
/// </summary>
internal sealed class FindingFingerprints(string file, SqlScript script)
{
    private readonly string _file = file.Replace('\\', '/');
    private readonly Dictionary<int, string> _statementDigests = [];
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

    /// <summary>How many times a statement's text was normalised and digested (once per statement that has findings).</summary>
    public int Normalisations { get; private set; }

    public string For(Finding finding)
    {
        var statement = script.StatementAt(finding.Span.Start);
        var anchor = statement is null ? "message:" + finding.Message : "statement:" + DigestOf(statement);
        var key = finding.RuleId + "\n" + _file + "\n" + anchor;
        _occurrences.TryGetValue(key, out var n);
        _occurrences[key] = n + 1;
        return Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(key + "\n" + n)));
    }

    private string DigestOf(ParsedStatement statement)
    {
        if (_statementDigests.TryGetValue(statement.Span.Start, out var digest)) return digest;
        Normalisations++;
        var normalised = string.Join(' ', script.Text.ToString(statement.Span).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        digest = Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(normalised)));
        _statementDigests[statement.Span.Start] = digest;
        return digest;
    }
}
