using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Documents;

/// <summary>
/// One version of an open document: immutable, shared by every reader (hover, code actions, chat, symbols).
/// <see cref="Text"/> is always the client's text; when the front end failed on it, <see cref="Script"/> is an empty
/// parse and <see cref="ParseFailure"/> says why, so features answer what they can instead of failing.
/// </summary>
public sealed record DocumentSnapshot(string Uri, int Version, string LanguageId, SourceText Text, SqlScript Script, DialectSource DialectSource)
{
    public SqlDialect Dialect => Script.Dialect;
    public string? ParseFailure { get; init; }
}
