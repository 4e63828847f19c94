using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DbAgent.Sql.Text;

/// <summary>Immutable document text with a line map. LSP positions are UTF-16, as .NET strings are.</summary>
public sealed class SourceText
{
    private int[]? _lineStarts;

    public SourceText(string text)
    {
        Text = text ?? string.Empty;
    }

    public static SourceText From(string text) => new(text);

    public string Text { get; }
    public int Length => Text.Length;
    public int LineCount => LineStarts.Length;

    /// <summary>The line map, made when a position is first asked for: parsing a document needs none.</summary>
    private int[] LineStarts => Volatile.Read(ref _lineStarts) ?? Interlocked.CompareExchange(ref _lineStarts, ComputeLineStarts(Text), null) ?? _lineStarts!;
    public char this[int index] => Text[index];

    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);
    public ReadOnlySpan<char> Slice(TextSpan span) => Text.AsSpan(span.Start, span.Length);
    public override string ToString() => Text;

    public int GetLineStart(int line)
    {
        var starts = LineStarts;
        return starts[Math.Clamp(line, 0, starts.Length - 1)];
    }

    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var starts = LineStarts;
        var line = Array.BinarySearch(starts, offset);
        if (line < 0) line = ~line - 1;
        return new LinePosition(line, offset - starts[line]);
    }

    /// <summary>
    /// As <see cref="GetLinePosition(int)"/>, for offsets asked mostly in increasing order (a document's findings):
    /// <paramref name="line"/> carries the line of the last answer (start with 0) and the search walks on from it,
    /// rather than searching all the lines again for each.
    /// </summary>
    public LinePosition GetLinePosition(int offset, ref int line)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var starts = LineStarts;
        var at = (uint)line < (uint)starts.Length && starts[line] <= offset ? line : 0;
        for (var steps = 0; at + 1 < starts.Length && starts[at + 1] <= offset; steps++)
        {
            if (steps == 8)
            {
                // Far ahead: search the rest.
                var found = Array.BinarySearch(starts, at, starts.Length - at, offset);
                at = found >= 0 ? found : ~found - 1;
                break;
            }
            at++;
        }
        line = at;
        return new LinePosition(at, offset - starts[at]);
    }

    public LineSpan GetLineSpan(TextSpan span) => new(GetLinePosition(span.Start), GetLinePosition(span.End));

    /// <summary>Offset of a line/character; positions past the end of a line clamp to the line's end, as LSP asks.</summary>
    public int GetOffset(LinePosition position)
    {
        if (position.Line < 0) return 0;
        var starts = LineStarts;
        if (position.Line >= starts.Length) return Text.Length;
        var start = starts[position.Line];
        var end = position.Line + 1 < starts.Length ? starts[position.Line + 1] : Text.Length;
        // The line's length leaves out its line break ("\n", "\r" or "\r\n").
        if (end > start && Text[end - 1] == '\n') end--;
        if (end > start && Text[end - 1] == '\r') end--;
        return Math.Min(start + Math.Max(0, position.Character), end);
    }

    public TextSpan GetSpan(LinePosition start, LinePosition end)
    {
        var s = GetOffset(start);
        var e = GetOffset(end);
        return TextSpan.FromBounds(Math.Min(s, e), Math.Max(s, e));
    }

    /// <summary>
    /// Applies one edit and returns the new text. When this text's line map was made, the new one is made from it: the
    /// lines before the edit are kept, those after it moved, and only the edited stretch is looked at again (an edit to a
    /// 20,000-line file no longer scans its megabyte for line breaks on every keystroke).
    /// </summary>
    public SourceText WithChange(TextChange change)
    {
        var start = Math.Clamp(change.Span.Start, 0, Text.Length);
        var end = Math.Clamp(change.Span.End, start, Text.Length);
        var result = new SourceText(string.Concat(Text.AsSpan(0, start), change.NewText, Text.AsSpan(end)));
        if (Volatile.Read(ref _lineStarts) is { } starts) result._lineStarts = MovedLineStarts(starts, result.Text, start, end, result.Text.Length - Text.Length);
        return result;
    }

    /// <summary>
    /// The line starts after replacing [start, end) of the old text. A line starts at p &gt; 0 exactly when the character
    /// before p is '\n', or is '\r' not followed by '\n' at p; so a start depends on the characters at p - 1 and p only.
    /// Old starts up to start - 1 read no edited character and stay; old starts from end + 1 read none and move by
    /// <paramref name="delta"/>; the new starts from start to the edit's new end are found in the new text.
    /// </summary>
    private static int[] MovedLineStarts(int[] old, string text, int start, int end, int delta)
    {
        // Old starts <= start - 1, and the first old start >= end + 1.
        var before = UpperBound(old, start - 1);
        var after = UpperBound(old, end);
        var last = Math.Min(text.Length, end + delta);
        var found = new List<int>();
        if (before == 0) found.Add(0);
        for (var p = Math.Max(1, start); p <= last; p++)
        {
            var c = text[p - 1];
            if (c == '\n' || (c == '\r' && (p == text.Length || text[p] != '\n'))) found.Add(p);
        }
        var starts = new int[before + found.Count + (old.Length - after)];
        Array.Copy(old, starts, before);
        found.CopyTo(starts, before);
        var at = before + found.Count;
        for (var i = after; i < old.Length; i++) starts[at++] = old[i] + delta;
        return starts;
    }

    /// <summary>The number of elements of the sorted array that are at most <paramref name="value"/>.</summary>
    private static int UpperBound(int[] sorted, int value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// Offsets where lines start, after '\n', '\r' or "\r\n". Vectorised: sixteen characters are compared at a time and
    /// only the line breaks found are visited (a document is mostly text between them).
    /// </summary>
    private static int[] ComputeLineStarts(string text)
    {
        var span = text.AsSpan();
        var starts = new List<int>(Math.Max(16, text.Length / 32)) { 0 };
        var skip = -1; // the '\n' of a "\r\n" already counted
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
            var lf = Vector256.Create((ushort)'\n');
            var cr = Vector256.Create((ushort)'\r');
            for (; i + Vector256<ushort>.Count <= span.Length; i += Vector256<ushort>.Count)
            {
                var chunk = Vector256.LoadUnsafe(ref first, (nuint)i);
                var bits = (Vector256.Equals(chunk, lf) | Vector256.Equals(chunk, cr)).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    LineBreak(span, at, starts, ref skip);
                }
            }
        }
        for (; i < span.Length; i++)
            if (span[i] is '\n' or '\r') LineBreak(span, i, starts, ref skip);
        return starts.ToArray();
    }

    private static void LineBreak(ReadOnlySpan<char> text, int at, List<int> starts, ref int skip)
    {
        if (at == skip) return;
        if (text[at] == '\r' && at + 1 < text.Length && text[at + 1] == '\n')
        {
            skip = at + 1;
            starts.Add(at + 2);
        }
        else
        {
            starts.Add(at + 1);
        }
    }
}
