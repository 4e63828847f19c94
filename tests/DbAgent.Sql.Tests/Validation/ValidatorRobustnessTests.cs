using CsCheck;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Sql.Tests.Validation;

/// <summary>Bad input never crashes: random text, lone surrogates, NUL, deep nesting, every unterminated quote.</summary>
public class ValidatorRobustnessTests
{
    private static readonly Gen<string> SqlishText = Gen.OneOf(
        Gen.String,
        Gen.Char["'\"`[]()$;:\\-/*\n \u00e9\ud83d\ude00\ud800\0abcSELECTFROMWHERE"].Array[0, 200].Select(a => new string(a)));

    [Test]
    public void Validators_return_spans_inside_the_statement_for_any_text()
    {
        var validators = new ISyntaxValidator[] { new PostgresSyntaxValidator(), new TSqlSyntaxValidator() };
        SqlishText.Sample(text =>
        {
            foreach (var validator in validators)
            {
                foreach (var error in validator.Validate(text, 10))
                {
                    Assert.That(error.Span.Start, Is.InRange(10, 10 + text.Length));
                    Assert.That(error.Span.End, Is.LessThanOrEqualTo(10 + text.Length));
                    Assert.That(error.Message, Is.Not.Empty);
                }
            }
        }, iter: 300);
    }

    [Test]
    public void Type_names_never_throw()
    {
        SqlishText.Sample(text =>
        {
            foreach (var dialect in Enum.GetValues<SqlDialect>()) TypeNames.NormalizeWithIdentity(text, dialect);
            TypeNames.SqliteAffinity(text);
        }, iter: 500);
    }

    [TestCase(5_000)]
    [TestCase(100_000)]
    public void Deep_nesting_is_no_crash(int depth)
    {
        var sql = "SELECT " + string.Concat(Enumerable.Repeat("1+(", depth)) + "1" + new string(')', depth) + " FROM";
        var postgres = new PostgresSyntaxValidator();
        // PostgreSQL's parser stops at 10,000 levels of its stack with "memory exhausted": an error, never a crash.
        if (postgres.IsAvailable) Assert.That(postgres.Validate(sql, 0), Has.Count.EqualTo(1));
        var tsql = new TSqlSyntaxValidator().Validate(sql, 0);
        if (depth <= TSqlSyntaxValidator.MaxNesting) Assert.That(tsql.Single().Span.Start, Is.EqualTo(sql.Length - 4), "the trailing FROM is the error");
        else Assert.That(tsql, Is.Empty, "too deep for ScriptDom: no exact answer rather than a crashed process");
    }

    [TestCase("SELECT 'abc")]
    [TestCase("SELECT \"abc")]
    [TestCase("SELECT $$abc")]
    [TestCase("SELECT $tag$abc $tag")]
    [TestCase("SELECT /* abc")]
    [TestCase("SELECT E'abc\\'")]
    [TestCase("SELECT [abc")]
    [TestCase("SELECT N'abc")]
    public void Unterminated_quotes_and_comments(string sql)
    {
        var postgres = new PostgresSyntaxValidator();
        if (postgres.IsAvailable)
        {
            var errors = postgres.Validate(sql, 0);
            Assert.That(errors, Is.Not.Empty, "PostgreSQL rejects it");
            Assert.That(errors[0].Span.End, Is.LessThanOrEqualTo(sql.Length));
        }
        foreach (var e in new TSqlSyntaxValidator().Validate(sql, 0)) Assert.That(e.Span.End, Is.LessThanOrEqualTo(sql.Length));
    }

    [Test]
    public void Long_statements_are_not_sent_to_libpg_query()
    {
        var postgres = new PostgresSyntaxValidator();
        if (!postgres.IsAvailable) Assert.Ignore("libpg_query is not installed: " + postgres.UnavailableReason);
        var huge = "INSERT INTO t VALUES " + string.Join(",", Enumerable.Repeat("(1, 'x')", PostgresSyntaxValidator.MaxStatementLength / 8 + 1)) + " oops";
        Assert.That(postgres.Validate(huge, 0), Is.Empty);
        Assert.That(postgres.Validate("INSERT INTO t VALUES (1, 'x') oops", 0), Has.Count.EqualTo(1));
    }

    [Test]
    public void Script_validation_over_random_scripts_keeps_document_order()
    {
        SqlishText.Sample(text =>
        {
            foreach (var dialect in new[] { SqlDialect.Postgres, SqlDialect.TSql })
            {
                var script = SqlScript.Parse(text, dialect);
                var errors = SyntaxValidators.Default.Validate(script);
                Assert.That(errors.Select(e => e.Span.Start), Is.Ordered);
                Assert.That(errors.All(e => e.Span.End <= text.Length), Is.True);
            }
        }, iter: 200);
    }
}
