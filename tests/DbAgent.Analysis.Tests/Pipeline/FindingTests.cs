using DbAgent.Analysis.Findings;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Pipeline;

[TestFixture]
public sealed class FindingTests
{
    private static Finding WithFix() => new("r", FindingSeverity.Warning, "m", new TextSpan(10, 3))
    {
        Fixes = [new FindingFix("fix", [new FindingEdit(new TextSpan(10, 3), "x"), new FindingEdit(new TextSpan(20, 0), "y")])],
    };

    [Test]
    public void A_moved_finding_moves_its_span_and_its_fixes_edits_by_every_move_since_its_origin()
    {
        var original = WithFix();
        var moved = original.MovedBy(5).MovedBy(-2).MovedBy(7);
        Assert.That(moved.Span, Is.EqualTo(new TextSpan(20, 3)));
        Assert.That(moved.Origin, Is.SameAs(original));
        Assert.That(original.Origin, Is.SameAs(original));
        Assert.That(moved.Fixes.Single().Edits.Select(e => e.Span), Is.EqualTo(new[] { new TextSpan(20, 3), new TextSpan(30, 0) }));
        Assert.That(moved.Fixes, Is.SameAs(moved.Fixes), "moved once, when first read");
        // Moving a finding whose fixes were read moves them from there.
        Assert.That(moved.MovedBy(1).Fixes.Single().Edits.Select(e => e.Span.Start), Is.EqualTo(new[] { 21, 31 }));
        Assert.That(original.Fixes.Single().Edits[0].Span, Is.EqualTo(new TextSpan(10, 3)), "the original is left as it was");
        Assert.That(original.MovedBy(0), Is.SameAs(original));
    }

    [Test]
    public void Readers_racing_on_a_moved_findings_fixes_each_get_the_moved_edits()
    {
        for (var k = 0; k < 200; k++)
        {
            var moved = WithFix().MovedBy(k + 1);
            var starts = new int[4];
            Parallel.For(0, starts.Length, i => starts[i] = moved.Fixes[0].Edits[1].Span.Start);
            Assert.That(starts, Is.All.EqualTo(21 + k));
        }
    }
}
