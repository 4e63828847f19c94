using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Tests.Lexing;

public class KeywordsTests
{
    [Test]
    public void Every_keyword_is_found_in_any_case()
    {
        foreach (var kw in Enum.GetValues<Kw>().Where(k => k != Kw.None))
        {
            var name = kw.ToString();
            var mixed = string.Concat(name.Select((c, i) => i % 2 == 0 ? char.ToLowerInvariant(c) : c));
            Assert.That(Keywords.Of(name), Is.EqualTo(kw), name);
            Assert.That(Keywords.Of(name.ToLowerInvariant()), Is.EqualTo(kw), name);
            Assert.That(Keywords.Of(mixed), Is.EqualTo(kw), mixed);
        }
    }

    [TestCase("customers")]
    [TestCase("selects")]
    [TestCase("selec")]
    [TestCase("x")]
    [TestCase("s\u00e9lect")]
    [TestCase("SELECT_")]
    [TestCase("_SELECT")]
    [TestCase("fromm")]
    [TestCase("a_very_long_identifier_name_beyond_keywords")]
    public void Other_words_are_not_keywords(string word) => Assert.That(Keywords.Of(word), Is.EqualTo(Kw.None));

    [Test]
    public void Words_that_differ_only_inside_are_told_apart()
    {
        // The slot reads the first two and last two characters and the length: the compare must do the rest.
        Assert.That(Keywords.Of("SEXECT"), Is.EqualTo(Kw.None));
        Assert.That(Keywords.Of("DXLETE"), Is.EqualTo(Kw.None));
        Assert.That(Keywords.Of("TRANSAXTION"), Is.EqualTo(Kw.None));
    }
}
