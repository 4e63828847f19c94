using DbAgent.Analysis.Rules;

namespace DbAgent.Analysis.Tests.Rules;

public class RuleCatalogTests
{
    [Test]
    public void Every_rule_has_a_unique_kebab_case_id_and_a_doc_page_with_the_four_sections()
    {
        Assert.That(RuleCatalog.All.Select(r => r.Id), Is.Unique);
        Assert.That(RuleCatalog.All.Select(r => r.Id), Is.SupersetOf(new[]
        {
            "syntax-error", "update-without-where", "delete-without-where", "plan-full-scan", "plan-large-sort",
            "plan-nested-loop-scan", "plan-high-cost", "schema-drift",
        }));
        foreach (var rule in RuleCatalog.All)
        {
            Assert.That(rule.Id, Does.Match("^[a-z]+(-[a-z]+)*$"));
            Assert.That(rule.Message, Is.Not.Empty.And.Not.Contain("\n"), rule.Id);
            var doc = RuleCatalog.GetDocumentation(rule.Id);
            Assert.That(doc, Is.Not.Null, rule.Id);
            Assert.That(doc, Does.StartWith("# " + rule.Id + "\n"));
            foreach (var section in new[] { "## Why", "## Bad example", "## Good example", "## Fix" })
                Assert.That(doc, Does.Contain(section), $"{rule.Id}: {section}");
            Assert.That(rule.Documentation, Is.EqualTo(doc));
        }
    }

    [Test]
    public void Every_doc_page_belongs_to_a_rule() =>
        Assert.That(RuleDocumentation.RuleIds, Is.EquivalentTo(RuleCatalog.All.Select(r => r.Id)));

    [Test]
    public void Lookups_ignore_case_and_unknown_ids_give_null()
    {
        Assert.That(RuleCatalog.Find("DELETE-WITHOUT-WHERE")?.Id, Is.EqualTo("delete-without-where"));
        Assert.That(RuleCatalog.Find("nope"), Is.Null);
        Assert.That(RuleCatalog.GetDocumentation("nope"), Is.Null);
        Assert.That(RuleCatalog.GetDocumentation(null), Is.Null);
    }
}
