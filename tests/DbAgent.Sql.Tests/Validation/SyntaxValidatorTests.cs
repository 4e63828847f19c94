using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Sql.Tests.Validation;

public class PostgresSyntaxValidatorTests
{
    private static PostgresSyntaxValidator Validator()
    {
        var v = new PostgresSyntaxValidator();
        if (!v.IsAvailable) Assert.Ignore("libpg_query is not installed here: " + v.UnavailableReason);
        return v;
    }

    [Test]
    public void Accepts_valid_sql()
    {
        var v = Validator();
        Assert.That(v.Validate("SELECT id, name FROM users WHERE id = $1 ORDER BY name LIMIT 10", 0), Is.Empty);
        Assert.That(v.Validate("CREATE INDEX CONCURRENTLY users_email ON users (lower(email)) WHERE deleted_at IS NULL", 0), Is.Empty);
    }

    [Test]
    public void Points_at_the_offending_token_in_document_offsets()
    {
        var v = Validator();
        const string statement = "SELECT * FROM users WHERE WHERE id = 1";
        var error = v.Validate(statement, 100).Single();
        Assert.That(error.Message, Is.EqualTo("Syntax error at or near \"WHERE\""));
        Assert.That(error.Source, Is.EqualTo("libpg_query"));
        Assert.That(error.Span, Is.EqualTo(new Text.TextSpan(100 + statement.LastIndexOf("WHERE", StringComparison.Ordinal), 5)));
    }

    [Test]
    public void Positions_count_characters_not_bytes()
    {
        var v = Validator();
        // Two-byte, three-byte and four-byte (surrogate pair) characters before the error.
        const string statement = "SELECT 'é€😀', 'x' FROM WHERE";
        var error = v.Validate(statement, 0).Single();
        Assert.That(statement.Substring(error.Span.Start, error.Span.Length), Is.EqualTo("WHERE"));
    }

    [Test]
    public void End_of_input_points_at_the_last_token()
    {
        var v = Validator();
        const string statement = "SELECT a FROM t WHERE";
        var error = v.Validate(statement, 7).Single();
        Assert.That(error.Message, Does.Contain("end of input"));
        Assert.That(error.Span, Is.EqualTo(new Text.TextSpan(7 + 16, 5)));
    }

    [Test]
    public void Psql_lines_are_not_sql()
    {
        var v = Validator();
        Assert.That(v.Validate("SELECT 1 AS x \\gset", 0), Is.Empty, "a trailing backslash command ends the SQL");
        Assert.That(v.Validate("SELECT * FROM :table_name", 0), Is.Empty, "psql variables are not known before psql substitutes them");
    }

    [Test]
    public void One_bad_statement_does_not_hide_the_others()
    {
        Validator();
        const string text = "SELEC 1;\nSELECT 2;\nINSERT INTO t VALUES (1,;\n\\set x 1\nCREATE TABLE t (id int);";
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var errors = SyntaxValidators.Default.Validate(script);
        Assert.That(errors.Select(e => text.Substring(e.Span.Start, e.Span.Length)), Is.EqualTo(new[] { "SELEC", ";" }).Or.EqualTo(new[] { "SELEC", "," }).Or.EqualTo(new[] { "SELEC", ")" }));
        Assert.That(errors[1].Span.Start, Is.GreaterThan(text.IndexOf("INSERT", StringComparison.Ordinal)));
    }

    [Test]
    public void Cursor_conversion_handles_every_utf8_width()
    {
        const string text = "aé€😀b";
        Assert.That(LibPgQuery.CursorToUtf16Offset(text, 1), Is.EqualTo(0));
        Assert.That(LibPgQuery.CursorToUtf16Offset(text, 5), Is.EqualTo(5), "the surrogate pair is one character");
        Assert.That(LibPgQuery.CursorToUtf16Offset(text, 99), Is.EqualTo(text.Length));
        Assert.That(LibPgQuery.Utf8ByteToUtf16Offset(text, 1 + 2 + 3 + 4), Is.EqualTo(5));
    }
}

public class TSqlSyntaxValidatorTests
{
    private readonly TSqlSyntaxValidator _validator = new();

    [Test]
    public void Accepts_valid_tsql()
    {
        Assert.That(_validator.Validate("SELECT TOP (10) [Name] FROM dbo.Customer WITH (NOLOCK) WHERE Id = @id ORDER BY [Name]", 0), Is.Empty);
        Assert.That(_validator.Validate("CREATE NONCLUSTERED INDEX IX_Customer_Email ON dbo.Customer (Email) INCLUDE (Name) WITH (ONLINE = ON)", 0), Is.Empty);
    }

    [Test]
    public void Reports_the_error_at_the_token()
    {
        const string statement = "SELECT * FROM dbo.Customer WHERE Id = = 1";
        var error = _validator.Validate(statement, 50).Single();
        Assert.That(error.Source, Is.EqualTo("ScriptDom"));
        Assert.That(error.Message, Does.Contain("Incorrect syntax near"));
        Assert.That(error.Span.Start - 50, Is.EqualTo(statement.LastIndexOf('=')));
        Assert.That(error.Span.Length, Is.EqualTo(1));
    }

    [Test]
    public void Validates_each_statement_of_a_script_with_go_batches()
    {
        const string text = "CREATE TABLE t (id int)\nGO\nSELECT FROM WHERE\nGO\nSELECT 1\nGO\nINSERT t VALUES (1,)\n";
        var script = SqlScript.Parse(text, SqlDialect.TSql);
        var errors = SyntaxValidators.Default.Validate(script);
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors[0].Span.Start, Is.GreaterThanOrEqualTo(text.IndexOf("SELECT FROM", StringComparison.Ordinal)));
        Assert.That(errors[1].Span.Start, Is.GreaterThan(text.IndexOf("INSERT", StringComparison.Ordinal)));
        Assert.That(text.Substring(errors[1].Span.Start, errors[1].Span.Length), Is.EqualTo(")"));
    }

    [Test]
    public void Registry_has_no_validator_for_mysql_or_sqlite()
    {
        Assert.That(SyntaxValidators.Default.For(SqlDialect.MySql), Is.Null);
        Assert.That(SyntaxValidators.Default.For(SqlDialect.Sqlite), Is.Null);
        Assert.That(SyntaxValidators.Default.For(SqlDialect.TSql), Is.InstanceOf<TSqlSyntaxValidator>());
    }
}
