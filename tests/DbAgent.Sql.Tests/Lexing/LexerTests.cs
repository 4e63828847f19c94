using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Tests.Lexing;

public class LexerTests
{
    private static List<(TokenKind Kind, string Text)> Significant(string sql, SqlDialect dialect) =>
        SqlLexer.Lex(sql, dialect).Where(t => !t.IsTrivia).Select(t => (t.Kind, sql.Substring(t.Start, t.Length))).ToList();

    private static (TokenKind Kind, string Text) Single(string sql, SqlDialect dialect)
    {
        var tokens = Significant(sql, dialect);
        Assert.That(tokens, Has.Count.EqualTo(1), string.Join(" | ", tokens));
        return tokens[0];
    }

    [TestCase("'abc'", SqlDialect.Postgres)]
    [TestCase("'it''s'", SqlDialect.Postgres)]
    [TestCase("'a\\'", SqlDialect.Postgres)]
    [TestCase("E'it\\'s'", SqlDialect.Postgres)]
    [TestCase("e'\\\\'", SqlDialect.Postgres)]
    [TestCase("$$ a ' b ; $$", SqlDialect.Postgres)]
    [TestCase("$body$ select $$x$$; $body$", SqlDialect.Postgres)]
    [TestCase("U&'d\\0061t'", SqlDialect.Postgres)]
    [TestCase("'it\\'s'", SqlDialect.MySql)]
    [TestCase("\"say \\\"hi\\\"\"", SqlDialect.MySql)]
    [TestCase("\"a\"\"b\"", SqlDialect.MySql)]
    [TestCase("N'unicode'", SqlDialect.TSql)]
    [TestCase("N'it''s'", SqlDialect.TSql)]
    [TestCase("X'0A'", SqlDialect.Sqlite)]
    [TestCase("'a\\'", SqlDialect.Sqlite)]
    public void Strings_are_one_token(string sql, SqlDialect dialect)
    {
        var (kind, text) = Single(sql, dialect);
        Assert.That(kind, Is.EqualTo(TokenKind.String));
        Assert.That(text, Is.EqualTo(sql));
    }

    [TestCase("\"Order Items\"", SqlDialect.Postgres)]
    [TestCase("\"a\"\"b\"", SqlDialect.Postgres)]
    [TestCase("U&\"d\\0061t\"", SqlDialect.Postgres)]
    [TestCase("`order`", SqlDialect.MySql)]
    [TestCase("`a``b`", SqlDialect.MySql)]
    [TestCase("[Order Details]", SqlDialect.TSql)]
    [TestCase("[a]]b]", SqlDialect.TSql)]
    [TestCase("\"x\"", SqlDialect.TSql)]
    [TestCase("[x]", SqlDialect.Sqlite)]
    [TestCase("`x`", SqlDialect.Sqlite)]
    [TestCase("\"x\"", SqlDialect.Sqlite)]
    public void Quoted_identifiers_are_one_token(string sql, SqlDialect dialect)
    {
        var (kind, text) = Single(sql, dialect);
        Assert.That(kind, Is.EqualTo(TokenKind.QuotedIdentifier));
        Assert.That(text, Is.EqualTo(sql));
    }

    [Test]
    public void Dollar_parameters_are_not_dollar_quotes()
    {
        var tokens = Significant("select $1, $2 from t", SqlDialect.Postgres);
        Assert.That(tokens.Where(t => t.Kind == TokenKind.Parameter).Select(t => t.Text), Is.EqualTo(new[] { "$1", "$2" }));
    }

    [Test]
    public void Dollar_in_identifier_is_part_of_the_word()
    {
        var tokens = Significant("select a$b from t", SqlDialect.Postgres);
        Assert.That(tokens[1], Is.EqualTo((TokenKind.Word, "a$b")));
    }

    [Test]
    public void Cast_operator_is_one_token_in_postgres()
    {
        var tokens = Significant("x::date", SqlDialect.Postgres);
        Assert.That(tokens, Is.EqualTo(new[] { (TokenKind.Word, "x"), (TokenKind.Operator, "::"), (TokenKind.Word, "date") }));
    }

    // PostgreSQL's own lexer: ':' is never inside an operator, and trailing signs leave an operator that holds none of
    // ~ ! @ # % ^ & | ` ?.
    [TestCase("a=-3", "a|=|-|3")]
    [TestCase("a<>-3", "a|<>|-|3")]
    [TestCase("a*-+3", "a|*|-|+|3")]
    [TestCase("x.*::text", "x|.|*|::|text")]
    [TestCase("a[1:2]", "a|[|1|:|2|]")]
    [TestCase("f(x := 1)", "f|(|x|:=|1|)")]
    [TestCase("a @-@ b", "a|@-@|b")]
    [TestCase("a !- b", "a|!-|b")]
    [TestCase("a ?- b", "a|?-|b")]
    [TestCase("a <<= b", "a|<<=|b")]
    public void Postgres_operators_split_as_postgres_splits_them(string sql, string expected) =>
        Assert.That(string.Join("|", Significant(sql, SqlDialect.Postgres).Select(t => t.Text)), Is.EqualTo(expected));

    [Test]
    public void Mysql_needs_a_space_after_double_dash_for_a_comment()
    {
        Assert.That(Significant("select 1--2", SqlDialect.MySql).Select(t => t.Text), Is.EqualTo(new[] { "select", "1", "-", "-", "2" }));
        Assert.That(Significant("select 1 -- two", SqlDialect.MySql).Select(t => t.Text), Is.EqualTo(new[] { "select", "1" }));
        Assert.That(Significant("select 1 # two\n, 2", SqlDialect.MySql).Select(t => t.Text), Is.EqualTo(new[] { "select", "1", ",", "2" }));
    }

    [Test]
    public void Hash_is_a_temp_table_prefix_in_tsql()
    {
        Assert.That(Significant("select * from #tmp", SqlDialect.TSql)[^1], Is.EqualTo((TokenKind.Word, "#tmp")));
    }

    [TestCase(SqlDialect.Postgres, true)]
    [TestCase(SqlDialect.TSql, true)]
    [TestCase(SqlDialect.MySql, false)]
    [TestCase(SqlDialect.Sqlite, false)]
    public void Block_comments_nest_only_where_the_dialect_says(SqlDialect dialect, bool nests)
    {
        const string sql = "/* a /* b */ c */ select";
        var tokens = SqlLexer.Lex(sql, dialect);
        var comment = tokens[0];
        Assert.That(comment.Kind, Is.EqualTo(TokenKind.BlockComment));
        Assert.That(sql.Substring(comment.Start, comment.Length), Is.EqualTo(nests ? "/* a /* b */ c */" : "/* a /* b */"));
    }

    [TestCase("'abc", SqlDialect.Postgres, TokenKind.String)]
    [TestCase("E'abc\\'", SqlDialect.Postgres, TokenKind.String)]
    [TestCase("$x$ abc $y$", SqlDialect.Postgres, TokenKind.String)]
    [TestCase("\"abc", SqlDialect.Postgres, TokenKind.QuotedIdentifier)]
    [TestCase("`abc", SqlDialect.MySql, TokenKind.QuotedIdentifier)]
    [TestCase("'abc\\", SqlDialect.MySql, TokenKind.String)]
    [TestCase("[abc", SqlDialect.TSql, TokenKind.QuotedIdentifier)]
    [TestCase("N'abc", SqlDialect.TSql, TokenKind.String)]
    [TestCase("/* abc", SqlDialect.Sqlite, TokenKind.BlockComment)]
    [TestCase("/* a /* b */", SqlDialect.Postgres, TokenKind.BlockComment)]
    public void Unterminated_forms_run_to_the_end_and_are_flagged(string sql, SqlDialect dialect, TokenKind kind)
    {
        var tokens = SqlLexer.Lex(sql, dialect);
        Assert.That(tokens, Has.Count.EqualTo(1));
        Assert.That(tokens[0].Kind, Is.EqualTo(kind));
        Assert.That(tokens[0].IsUnterminated, Is.True);
        Assert.That(tokens[0].End, Is.EqualTo(sql.Length));
    }

    [Test]
    public void Go_lines_are_batch_separators_with_an_optional_count()
    {
        const string sql = "select 1\nGO\nselect 2\n  go 5 -- twice\nselect gone\nGOTO x";
        var seps = Significant(sql, SqlDialect.TSql).Where(t => t.Kind == TokenKind.BatchSeparator).Select(t => t.Text.Trim()).ToList();
        Assert.That(seps, Is.EqualTo(new[] { "GO", "go 5 -- twice" }));
    }

    [Test]
    public void Go_is_an_ordinary_word_outside_tsql()
    {
        Assert.That(Significant("select 1\nGO\n", SqlDialect.Postgres).Any(t => t.Kind == TokenKind.BatchSeparator), Is.False);
    }

    [Test]
    public void Psql_meta_commands_take_the_line()
    {
        var tokens = Significant("\\set ON_ERROR_STOP 1\nselect 1;\n\\i other.sql\n", SqlDialect.Postgres);
        Assert.That(tokens.Where(t => t.Kind == TokenKind.MetaCommand).Select(t => t.Text), Is.EqualTo(new[] { "\\set ON_ERROR_STOP 1", "\\i other.sql" }));
    }

    [Test]
    public void Psql_meta_commands_after_a_query_and_psql_variables()
    {
        var tokens = Significant("SELECT :'name', :\"col\" FROM t \\gset\nSELECT 1", SqlDialect.Postgres);
        Assert.That(tokens.Where(t => t.Kind == TokenKind.Parameter).Select(t => t.Text), Is.EqualTo(new[] { ":'name'", ":\"col\"" }));
        Assert.That(tokens.Single(t => t.Kind == TokenKind.MetaCommand).Text, Is.EqualTo("\\gset"));
    }

    [Test]
    public void Delimiter_lines_change_the_statement_delimiter()
    {
        const string sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;";
        var tokens = Significant(sql, SqlDialect.MySql);
        Assert.That(tokens.Count(t => t.Kind == TokenKind.DelimiterCommand), Is.EqualTo(2));
        Assert.That(tokens.Single(t => t.Kind == TokenKind.CustomDelimiter).Text, Is.EqualTo("//"));
    }

    [Test]
    public void A_dollar_delimiter_is_not_swallowed_by_a_word()
    {
        const string sql = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\n";
        var tokens = Significant(sql, SqlDialect.MySql);
        Assert.That(tokens.Any(t => t.Kind == TokenKind.CustomDelimiter && t.Text == "$$"), Is.True, string.Join(" | ", tokens));
        Assert.That(tokens.Any(t => t.Text == "END"), Is.True);
    }

    [Test]
    public void Parameters_of_every_driver_style()
    {
        Assert.That(Significant("where a = ? and b = :name", SqlDialect.MySql).Where(t => t.Kind == TokenKind.Parameter).Select(t => t.Text), Is.EqualTo(new[] { "?", ":name" }));
        Assert.That(Significant("where a = @id and b = @@rowcount", SqlDialect.TSql).Where(t => t.Kind == TokenKind.Parameter).Select(t => t.Text), Is.EqualTo(new[] { "@id", "@@rowcount" }));
        Assert.That(Significant("where a = ?1 and b = $v", SqlDialect.Sqlite).Where(t => t.Kind == TokenKind.Parameter).Select(t => t.Text), Is.EqualTo(new[] { "?1", "$v" }));
    }

    [TestCase("1", TokenKind.Number)]
    [TestCase("1.5", TokenKind.Number)]
    [TestCase(".5", TokenKind.Number)]
    [TestCase("1e10", TokenKind.Number)]
    [TestCase("2.5E-3", TokenKind.Number)]
    [TestCase("0xFF", TokenKind.Number)]
    public void Numbers(string sql, TokenKind kind)
    {
        Assert.That(Single(sql, SqlDialect.Postgres), Is.EqualTo((kind, sql)));
    }

    [Test]
    public void Every_character_belongs_to_exactly_one_token()
    {
        const string sql = "select 'a', \"b\", $$c$$, /* d */ e -- f\n from g where h::int >= 1.5e3 \u0001\u0002 ;";
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var tokens = SqlLexer.Lex(sql, dialect);
            var pos = 0;
            foreach (var t in tokens)
            {
                Assert.That(t.Start, Is.EqualTo(pos), dialect.ToString());
                Assert.That(t.Length, Is.GreaterThan(0));
                pos = t.End;
            }
            Assert.That(pos, Is.EqualTo(sql.Length));
        }
    }

    // The cases below guard the lexer's fast path (runs of words, single spaces, punctuation and plain integers),
    // which must give exactly what the general path gives.

    [Test]
    public void Non_ascii_letters_continue_and_start_words_in_every_dialect()
    {
        const string sql = "select café, naïve_x, 日本 from t";
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var words = Significant(sql, dialect).Where(t => t.Kind == TokenKind.Word).Select(t => t.Text);
            Assert.That(words, Is.EqualTo(new[] { "select", "café", "naïve_x", "日本", "from", "t" }), dialect.ToString());
        }
    }

    [Test]
    public void A_non_letter_after_a_word_ends_it()
    {
        var tokens = Significant("a\u00a0b", SqlDialect.Postgres);
        Assert.That(tokens, Is.EqualTo(new[] { (TokenKind.Word, "a"), (TokenKind.Unknown, "\u00a0"), (TokenKind.Word, "b") }));
    }

    [TestCase("1_000", new[] { "1_000" })]
    [TestCase("1end", new[] { "1", "end" })]
    [TestCase("12.", new[] { "12." })]
    [TestCase("1..5", new[] { "1", ".", ".5" })]
    [TestCase("0x1F_2", new[] { "0x1F_2" })]
    [TestCase("0xg", new[] { "0", "xg" })]
    public void Number_edges(string sql, string[] texts)
    {
        Assert.That(Significant(sql, SqlDialect.Postgres).Select(t => t.Text), Is.EqualTo(texts));
    }

    [Test]
    public void A_whitespace_run_that_starts_with_a_space_is_one_token_and_sets_the_line_start()
    {
        const string sql = "select 1 \nGO\nselect x \t\n  go";
        var tokens = SqlLexer.Lex(sql, SqlDialect.TSql);
        var whitespace = tokens.Where(t => t.Kind == TokenKind.Whitespace).Select(t => sql.Substring(t.Start, t.Length));
        Assert.That(whitespace, Is.EqualTo(new[] { " ", " \n", "\n", " ", " \t\n  " }));
        Assert.That(tokens.Count(t => t.Kind == TokenKind.BatchSeparator), Is.EqualTo(2));
    }

    [TestCase("\uffdfO\n")]
    [TestCase("\uffffo\n")]
    [TestCase("\uff27\uff2f\n")] // fullwidth GO
    [TestCase("\uffe4ELIMITER x\n")]
    public void Only_ascii_letters_start_script_lines(string line)
    {
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var tokens = SqlLexer.Lex("select 1\n" + line + "select 2", dialect);
            Assert.That(tokens.Any(t => t.Kind is TokenKind.BatchSeparator or TokenKind.DelimiterCommand), Is.False, dialect.ToString());
        }
    }

    [Test]
    public void LexFrom_asks_to_resync_only_where_a_candidate_starts_a_token_from_the_resync_point_and_stops_where_told()
    {
        // select␠a␠from␠t: tokens start at 0 6 7 8 9 13 14. Old tokens started at 3 9 11 13: 3 lies before the resync
        // point (8), 11 inside "from"; 9 and 13 start new tokens and are asked about, and the answer at 13 is yes.
        const string sql = "select a from t";
        int[] candidates = [3, 9, 11, 13];
        var asked = new List<int>();
        var output = new List<Token>();
        var stop = SqlLexer.LexFrom(sql, SqlDialect.Postgres, 0, true, output, 8,
            pos => candidates.FirstOrDefault(c => c >= pos, int.MaxValue),
            (pos, _) =>
            {
                asked.Add(pos);
                return pos == 13;
            });
        Assert.That(stop, Is.EqualTo(13));
        Assert.That(asked, Is.EqualTo(new[] { 9, 13 }));
        Assert.That(output.Select(t => sql.Substring(t.Start, t.Length)), Is.EqualTo(new[] { "select", " ", "a", " ", "from" }));
    }

    [Test]
    public void LexFrom_runs_to_the_end_when_no_candidate_resyncs()
    {
        const string sql = "select 'a;b' from t";
        var output = new List<Token>();
        var stop = SqlLexer.LexFrom(sql, SqlDialect.Postgres, 0, true, output, 1, pos => pos <= 7 ? 7 : int.MaxValue, (_, _) => false);
        Assert.That(stop, Is.EqualTo(sql.Length));
        Assert.That(output, Is.EqualTo(SqlLexer.Lex(sql, SqlDialect.Postgres)));
    }

    [Test]
    public void LexFrom_appends_to_what_the_list_holds()
    {
        var output = new List<Token> { new(TokenKind.Word, 0, 3) };
        var end = SqlLexer.LexFrom("abc def", SqlDialect.Postgres, 3, false, output, int.MaxValue, _ => int.MaxValue, (_, _) => false);
        Assert.That(end, Is.EqualTo(7));
        Assert.That(output, Is.EqualTo(new[] { new Token(TokenKind.Word, 0, 3), new Token(TokenKind.Whitespace, 3, 1), new Token(TokenKind.Word, 4, 3) }));
    }

    [Test]
    public void Lexing_a_large_document_grows_the_buffer_and_keeps_every_token()
    {
        // More tokens than the reused buffer keeps between calls, and every other one a single character.
        var sql = string.Concat(Enumerable.Repeat("(a,b);", 100_000));
        var tokens = SqlLexer.Lex(sql, SqlDialect.MySql);
        Assert.That(tokens, Has.Count.EqualTo(600_000));
        Assert.That(tokens[^1], Is.EqualTo(new Token(TokenKind.Semicolon, sql.Length - 1, 1)));
        Assert.That(SqlLexer.Lex("x", SqlDialect.MySql), Has.Count.EqualTo(1));
    }

    [Test]
    public void Characters_whose_low_byte_looks_like_a_word_character_are_judged_as_themselves()
    {
        // Words are scanned 64 characters at a time where there are 64; U+2061 (not a letter) has the low byte of 'a'
        // and must end the word, U+015F ('ş', a letter) has the low byte of '_' and continues it.
        var padding = new string(' ', 80);
        var sql = "select abc\u2061def, kuş_x" + padding;
        var words = Significant(sql, SqlDialect.Postgres).Where(t => t.Kind == TokenKind.Word).Select(t => t.Text);
        Assert.That(words, Is.EqualTo(new[] { "select", "abc", "def", "kuş_x" }));
    }
}
