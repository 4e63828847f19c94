using CsCheck;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Parsing;

public class LexicalErrorsTests
{
    private static readonly SqlDialect[] Dialects = [SqlDialect.Postgres, SqlDialect.MySql, SqlDialect.TSql, SqlDialect.Sqlite];

    /// <summary>
    /// A parse skips the scan for unbalanced parentheses when every statement is balanced: its errors must still be
    /// exactly those of the full scan, whatever the statements, routines with inner semicolons, script lines and
    /// unterminated tokens.
    /// </summary>
    [Test]
    public void A_parse_reports_the_errors_of_the_full_lexical_scan()
    {
        string[] pieces = ["SELECT ", "f(", "(", ")", "x", ", ", "; ", "\n", "'", "\"", "/*", "*/", "$$", "-- c\n",
            "CREATE PROCEDURE p() BEGIN ", "END", "BEGIN ATOMIC ", "\\set x 1\n", "\nGO\n", "DELIMITER //\n", "//", "1 "];
        Gen.Select(Gen.Int[0, pieces.Length - 1].Array[0, 30], Gen.Int[0, Dialects.Length - 1]).Sample((parts, d) =>
        {
            var text = string.Concat(parts.Select(p => pieces[p]));
            var dialect = Dialects[d];
            var script = SqlScript.Parse(text, dialect);
            var full = LexicalErrors.Find(DbAgent.Sql.Text.SourceText.From(text), SqlLexer.Lex(text, dialect), dialect);
            return script.Errors.SequenceEqual(full);
        }, iter: 3000);
    }

    [TestCase("SELECT (1;\nSELECT 2);", 2)]
    [TestCase("SELECT (1 \\gset\nSELECT 2);", 0)] // a meta-command ends a statement, not a stretch the scan balances
    [TestCase("SELECT f(1);\nSELECT 'open", 1)]
    [TestCase("SELECT f(1);\nSELECT g(2);", 0)]
    public void Errors_of_balanced_and_unbalanced_documents(string text, int count) =>
        Assert.That(SqlScript.Parse(text, SqlDialect.Postgres).Errors, Has.Count.EqualTo(count), text);
}
