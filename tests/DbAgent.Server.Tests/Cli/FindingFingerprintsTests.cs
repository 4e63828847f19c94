using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Server.Cli;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Tests.Cli;

[TestFixture]
public sealed class FindingFingerprintsTests
{
    [Test]
    public void A_statement_with_200000_findings_is_normalised_once_and_every_finding_gets_its_own_fingerprint()
    {
        // The fuzz corpus's open-parens case: the pipeline reports each of the 200,000 unclosed parentheses, all in one
        // 200,000-character statement. Normalising that statement per finding made `dbagent check` quadratic (it hung).
        var script = SqlScript.Parse("SELECT " + new string('(', 200_000) + "\n", SqlDialect.Postgres);
        var findings = FindingsPipeline.Analyze(script, new AnalysisInput { OneShot = true }).Findings;
        Assert.That(findings, Has.Count.EqualTo(200_000), "one finding per unclosed parenthesis");

        var fingerprints = new FindingFingerprints("deep.sql", script);
        var all = findings.Select(fingerprints.For).ToList();

        Assert.That(fingerprints.Normalisations, Is.EqualTo(1), "the statement's text is normalised once, not once per finding");
        Assert.That(all.Distinct().Count(), Is.EqualTo(200_000), "same rule, same statement: the occurrence count tells them apart");
    }

    [Test]
    public void A_fingerprint_follows_the_statement_text_not_its_position()
    {
        static (string, string) Both(string text)
        {
            var script = SqlScript.Parse(text, SqlDialect.Postgres);
            var fingerprints = new FindingFingerprints("m.sql", script);
            string At(string statement)
            {
                var start = text.IndexOf(statement, StringComparison.Ordinal);
                return fingerprints.For(new Finding("drop-table", FindingSeverity.Warning, "drop", new TextSpan(start, statement.Length)));
            }
            return (At("DROP TABLE a;"), At("DROP   TABLE\n b;"));
        }

        var (a1, b1) = Both("DROP TABLE a;\nDROP   TABLE\n b;\n");
        var (a2, b2) = Both("SELECT 1;\n\nDROP TABLE a;\nSELECT 2;\nDROP   TABLE\n b;\n");
        Assert.That(a2, Is.EqualTo(a1), "moved by lines added above: same fingerprint");
        Assert.That(b2, Is.EqualTo(b1));
        Assert.That(b1, Is.Not.EqualTo(a1), "different statements: different fingerprints");
    }
}
