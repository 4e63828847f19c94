using CsCheck;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.SourceTexts;

public class SourceTextTests
{
    /// <summary>Line starts the slow, obvious way: after every '\n', '\r' and "\r\n".</summary>
    private static List<int> ExpectedLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            else if (text[i] is not ('\r' or '\n')) continue;
            starts.Add(i + 1);
        }
        return starts;
    }

    private static List<int> LineStarts(SourceText text) => Enumerable.Range(0, text.LineCount).Select(text.GetLineStart).ToList();

    [TestCase("")]
    [TestCase("one line")]
    [TestCase("a\nb\r\nc\rd\n")]
    [TestCase("\r\n\r\n\n\r\r")]
    [TestCase("0123456789abcde\r\n0123456789abcdef\r\n")] // a "\r\n" across the 16-character blocks
    [TestCase("0123456789abcdef\r")]
    public void Line_starts_follow_every_kind_of_line_break(string text) =>
        Assert.That(LineStarts(SourceText.From(text)), Is.EqualTo(ExpectedLineStarts(text)));

    [Test]
    public void Line_starts_match_a_plain_scan_on_random_text() =>
        Gen.Char["a \n\r\u00e9;"].Array[0, 200].Select(a => new string(a))
            .Sample(text => LineStarts(SourceText.From(text)).SequenceEqual(ExpectedLineStarts(text)), iter: 2000);

    [Test]
    public void Over_random_edits_the_line_map_moved_from_the_previous_version_equals_a_fresh_scan()
    {
        // Line breaks of every kind typed, deleted and split ("\r" and "\n" of a "\r\n" edited apart), at both ends too.
        var edit = Gen.Select(Gen.Int[0, 200], Gen.Int[0, 5], Gen.Char["ab\r\n\n\r"].Array[0, 4].Select(a => new string(a)));
        Gen.Select(Gen.Char["a \n\r;"].Array[0, 120].Select(a => new string(a)), edit.List[1, 25]).Sample(sample =>
        {
            var (initial, edits) = sample;
            var text = SourceText.From(initial);
            _ = text.LineCount; // the map is made: every edit below moves it
            foreach (var (position, length, inserted) in edits)
            {
                var start = Math.Min(position, text.Length);
                text = text.WithChange(new TextChange(new TextSpan(start, Math.Min(length, text.Length - start)), inserted));
                Assert.That(LineStarts(text), Is.EqualTo(ExpectedLineStarts(text.Text)), $"{initial} -> {text.Text}");
            }
        }, iter: 3000);
    }

    [Test]
    public void Positions_map_to_offsets_and_back()
    {
        var text = SourceText.From("SELECT 1;\r\nSELECT 2;\nSELECT 3;");
        Assert.That(text.GetLinePosition(13), Is.EqualTo(new LinePosition(1, 2)));
        Assert.That(text.GetOffset(new LinePosition(2, 7)), Is.EqualTo(28));
        Assert.That(text.GetOffset(new LinePosition(0, 99)), Is.EqualTo(9), "past the line's end clamps to its end, before the line break");
        Assert.That(text.GetOffset(new LinePosition(1, 99)), Is.EqualTo(20));
        Assert.That(text.GetOffset(new LinePosition(2, 99)), Is.EqualTo(30));
    }

    [Test]
    public void Positions_asked_with_a_line_hint_equal_those_asked_without_in_any_order()
    {
        var random = new Random(5);
        var text = SourceText.From(string.Concat(Enumerable.Range(0, 400).Select(i => new string('x', random.Next(0, 30)) + (i % 7 == 0 ? "\r\n" : "\n"))));
        var line = 0;
        // Mostly increasing, as a document's findings are, with jumps both ways and offsets out of range.
        var offsets = Enumerable.Range(0, 2000).Select(i => i % 50 == 0 ? random.Next(-5, text.Length + 5) : i * text.Length / 2000 + random.Next(0, 3));
        foreach (var offset in offsets)
            Assert.That(text.GetLinePosition(offset, ref line), Is.EqualTo(text.GetLinePosition(offset)), $"offset {offset}");
    }

    private static readonly System.Buffers.SearchValues<string> BDollarA = System.Buffers.SearchValues.Create(["B$A"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A text in pieces (small ones here, so that every read crosses seams) answers every read as its string does,
    /// edit after edit, and none of those reads makes the whole string: only <see cref="SourceText.Text"/> does.
    /// </summary>
    [Test]
    public void A_text_in_pieces_reads_as_its_string_over_random_edits_without_making_it()
    {
        var edit = Gen.Select(Gen.Int[0, 300], Gen.Int[0, 40], Gen.Char["ab$\r\n'"].Array[0, 30].Select(a => new string(a)));
        Gen.Select(Gen.Char["ab$ \n\r'"].Array[0, 200].Select(a => new string(a)), Gen.Int[1, 12], edit.List[1, 20], Gen.Int[0, 1000]).Sample(sample =>
        {
            var (initial, piece, edits, seed) = sample;
            var random = new Random(seed);
            var expected = initial;
            var text = SourceText.InPieces(initial, piece);
            _ = text.LineCount; // made from the string: edits move it from here on
            foreach (var (position, length, inserted) in edits)
            {
                var start = Math.Min(position, text.Length);
                var change = new TextChange(new TextSpan(start, Math.Min(length, text.Length - start)), inserted);
                var previous = text;
                text = text.WithChange(change);
                expected = expected[..change.Span.Start] + inserted + expected[change.Span.End..];

                Assert.That(text.Length, Is.EqualTo(expected.Length));
                for (var k = 0; k < 20 && expected.Length > 0; k++)
                {
                    var a = random.Next(expected.Length + 1);
                    var b = random.Next(a, expected.Length + 1);
                    var span = TextSpan.FromBounds(a, b);
                    if (a < expected.Length) Assert.That(text[a], Is.EqualTo(expected[a]), $"[{a}]");
                    Assert.That(text.ToString(span), Is.EqualTo(expected[a..b]), $"ToString {span}");
                    Assert.That(text.Slice(span).ToString(), Is.EqualTo(expected[a..b]), $"Slice {span}");
                    var window = text.Window(a, b);
                    Assert.That(window.AsSpan(a, b - a).ToString(), Is.EqualTo(expected[a..b]), $"Window {span}");
                    Assert.That(text.IndexOf('$', a), Is.EqualTo(expected.IndexOf('$', a)), $"IndexOf from {a}");
                }
                Assert.That(text.ContainsAny(BDollarA, 3), Is.EqualTo(expected.Contains("B$A", StringComparison.OrdinalIgnoreCase)));
                var prefix = SourceText.CommonPrefixLength(previous, text);
                var before = previous.ToString(new TextSpan(0, previous.Length));
                Assert.That(prefix, Is.EqualTo(before.AsSpan().CommonPrefixLength(expected)), "common prefix");
                var max = Math.Min(before.Length, expected.Length) - prefix;
                var suffix = 0;
                while (suffix < max && before[^(suffix + 1)] == expected[^(suffix + 1)]) suffix++;
                Assert.That(SourceText.CommonSuffixLength(previous, text, max), Is.EqualTo(suffix), "common suffix");
                Assert.That(Enumerable.Range(0, text.LineCount).Select(text.GetLineStart), Is.EqualTo(ExpectedLineStarts(expected)), "line starts");
                Assert.That(text.HasWholeString, Is.False, "no read above made the whole string");
            }
            Assert.That(text.Text, Is.EqualTo(expected));
        }, iter: 1500);
    }

    [Test]
    public void An_edit_shares_the_pieces_it_did_not_touch()
    {
        var text = SourceText.From(new string('x', 10 * SourceText.ChunkTarget));
        var once = text.WithChange(new TextChange(new TextSpan(5 * SourceText.ChunkTarget + 3, 1), "y"));
        var twice = once.WithChange(new TextChange(new TextSpan(100, 0), "z"));
        // Everything but the piece each edit touched is the same memory: the compare skips it.
        Assert.That(SourceText.CommonPrefixLength(once, twice), Is.EqualTo(100));
        Assert.That(twice.Slice(new TextSpan(5 * SourceText.ChunkTarget + 4, 1)).ToString(), Is.EqualTo("y"));
        Assert.That(once.HasWholeString || twice.HasWholeString, Is.False);
    }
}
