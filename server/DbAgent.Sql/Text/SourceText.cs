using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DbAgent.Sql.Text;

/// <summary>
/// Immutable document text with a line map. LSP positions are UTF-16, as .NET strings are.
/// </summary>
/// <remarks>
/// A text made from a string is that string. An edit makes a text of pieces (<see cref="ChunkTarget"/> characters or
/// so each) that shares every piece the edit did not touch with the text before it, so a keystroke in a 20,000-line file
/// copies a few kilobytes, not the document's two megabytes: a new whole string per keystroke went to the large-object
/// heap, and every twenty or so keystrokes that heap's budget set off a full background collection that took a core
/// for some 30 ms. The whole string of a text of pieces is made only when a reader asks for <see cref="Text"/>
/// (a full parse, a chat tool); the edit path reads through <see cref="Slice"/>, <see cref="Window"/> and the indexer.
/// </remarks>
public sealed class SourceText
{
    /// <summary>About how many characters a piece holds (pieces stay below the large-object heap).</summary>
    internal const int ChunkTarget = 8192;

    private int[]? _lineStarts;
    /// <summary>The whole text: the string given, or made from the pieces when first asked for.</summary>
    private string? _whole;
    /// <summary>The pieces (null until the first edit of a text made from a string) and where each starts.</summary>
    private Chunks? _chunks;
    /// <summary>The piece the indexer read last: a hint only (threads may overwrite it; every use checks it).</summary>
    private int _lastPiece;

    public SourceText(string text)
    {
        _whole = text ?? string.Empty;
        Length = _whole.Length;
    }

    private SourceText(Chunks chunks)
    {
        _chunks = chunks;
        Length = chunks.Length;
    }

    public static SourceText From(string text) => new(text);

    /// <summary>A text held in pieces of about <paramref name="target"/> characters from the start, as edits leave one: for tests, with small pieces.</summary>
    internal static SourceText InPieces(string text, int target) => new(Chunks.Cut(text ?? string.Empty, Math.Max(1, target)));

    /// <summary>The whole text. For a text an edit made, this builds one string of it (once): the edit path does not ask.</summary>
    public string Text => Volatile.Read(ref _whole) ?? Interlocked.CompareExchange(ref _whole, _chunks!.Join(), null) ?? _whole!;

    /// <summary>Whether the whole string exists (made from one, or asked for since): for tests of the edit path.</summary>
    internal bool HasWholeString => Volatile.Read(ref _whole) is not null;

    public int Length { get; }
    public int LineCount => LineStarts.Length;

    /// <summary>The line map, made when a position is first asked for: parsing a document needs none.</summary>
    private int[] LineStarts => Volatile.Read(ref _lineStarts) ?? Interlocked.CompareExchange(ref _lineStarts, ComputeLineStarts(Text), null) ?? _lineStarts!;

    public char this[int index]
    {
        get
        {
            if (Volatile.Read(ref _whole) is { } whole) return whole[index];
            if ((uint)index >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(index), $"offset {index} is not within a text of {Length} characters");
            var chunks = _chunks!;
            // Readers mostly go forward a character or a statement at a time: try the piece of the last read first.
            var i = _lastPiece;
            var starts = chunks.Starts;
            if ((uint)i >= (uint)starts.Length || starts[i] > index || (i + 1 < starts.Length && starts[i + 1] <= index))
            {
                i = chunks.IndexOf(index);
                _lastPiece = i;
            }
            return chunks.Pieces[i][index - starts[i]];
        }
    }

    public string ToString(TextSpan span)
    {
        if (Volatile.Read(ref _whole) is { } whole) return whole.Substring(span.Start, span.Length);
        CheckSpan(span.Start, span.Length);
        return string.Create(span.Length, (this, span.Start), static (destination, state) => state.Item1._chunks!.CopyTo(state.Item2, destination));
    }

    /// <summary>The characters of a span: a view of the text where one piece holds them, else a copy.</summary>
    public ReadOnlySpan<char> Slice(TextSpan span)
    {
        if (Volatile.Read(ref _whole) is { } whole) return whole.AsSpan(span.Start, span.Length);
        CheckSpan(span.Start, span.Length);
        var chunks = _chunks!;
        var i = chunks.IndexOf(span.Start);
        var at = span.Start - chunks.Starts[i];
        var piece = chunks.Pieces[i];
        return at + span.Length <= piece.Length ? piece.AsSpan(at, span.Length) : ToString(span).AsSpan();
    }

    /// <summary>
    /// A string that holds the characters from <paramref name="start"/> to <paramref name="end"/> and where they sit in
    /// it: the whole text where there is one, the piece that holds them, or a copy of just them. Readers that index by
    /// document offset (lexer, parser, binder) read offset - <see cref="TextWindow.Base"/>.
    /// </summary>
    public TextWindow Window(int start, int end)
    {
        CheckSpan(start, end - start);
        if (Volatile.Read(ref _whole) is { } whole) return new TextWindow(whole, 0);
        var chunks = _chunks!;
        var i = chunks.IndexOf(start);
        var pieceStart = chunks.Starts[i];
        return end - pieceStart <= chunks.Pieces[i].Length
            ? new TextWindow(chunks.Pieces[i], pieceStart)
            : new TextWindow(ToString(TextSpan.FromBounds(start, end)), start);
    }

    /// <summary>The characters from <paramref name="offset"/> to the end of the piece (or string) that holds them.</summary>
    private ReadOnlySpan<char> RunFrom(int offset)
    {
        if (_chunks is null) return Text.AsSpan(offset);
        var i = _chunks.IndexOf(offset);
        return _chunks.Pieces[i].AsSpan(offset - _chunks.Starts[i]);
    }

    /// <summary>The characters before <paramref name="offset"/> back to the start of the piece (or string) that holds them.</summary>
    private ReadOnlySpan<char> RunBefore(int offset)
    {
        if (_chunks is null) return Text.AsSpan(0, offset);
        var i = _chunks.IndexOf(offset - 1);
        return _chunks.Pieces[i].AsSpan(0, offset - _chunks.Starts[i]);
    }

    /// <summary>How many characters two texts share from their starts; pieces the two share are not compared.</summary>
    public static int CommonPrefixLength(SourceText a, SourceText b)
    {
        var max = Math.Min(a.Length, b.Length);
        var p = 0;
        while (p < max)
        {
            var x = a.RunFrom(p);
            var y = b.RunFrom(p);
            var n = Math.Min(Math.Min(x.Length, y.Length), max - p);
            var same = Unsafe.AreSame(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y)) ? n : x[..n].CommonPrefixLength(y[..n]);
            p += same;
            if (same < n) break;
        }
        return p;
    }

    /// <summary>How many characters two texts share at their ends, at most <paramref name="max"/>; shared pieces are not compared.</summary>
    public static int CommonSuffixLength(SourceText a, SourceText b, int max)
    {
        var n = 0;
        while (n < max)
        {
            var x = a.RunBefore(a.Length - n);
            var y = b.RunBefore(b.Length - n);
            var m = Math.Min(Math.Min(x.Length, y.Length), max - n);
            x = x[^m..];
            y = y[^m..];
            if (Unsafe.AreSame(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y)))
            {
                n += m;
                continue;
            }
            var same = 0;
            // Whole blocks first (vectorised compares), then characters.
            const int block = 64;
            while (same + block <= m && x.Slice(m - same - block, block).SequenceEqual(y.Slice(m - same - block, block))) same += block;
            while (same < m && x[m - same - 1] == y[m - same - 1]) same++;
            n += same;
            if (same < m) break;
        }
        return n;
    }

    /// <summary>
    /// Whether the text contains any of <paramref name="values"/> (none longer than <paramref name="longest"/>
    /// characters), without making the whole string.
    /// </summary>
    public bool ContainsAny(System.Buffers.SearchValues<string> values, int longest)
    {
        if (Volatile.Read(ref _whole) is { } whole) return whole.AsSpan().ContainsAny(values);
        var chunks = _chunks!;
        for (var i = 0; i < chunks.Pieces.Length; i++)
        {
            if (chunks.Pieces[i].AsSpan().ContainsAny(values)) return true;
            var seam = chunks.Starts[i] + chunks.Pieces[i].Length;
            if (seam >= Length || longest < 2) continue;
            var around = TextSpan.FromBounds(Math.Max(0, seam - longest + 1), Math.Min(Length, seam + longest - 1));
            if (Slice(around).ContainsAny(values)) return true;
        }
        return false;
    }

    /// <summary>The first offset at or after <paramref name="start"/> that holds <paramref name="value"/>, or -1; without making the whole string.</summary>
    public int IndexOf(char value, int start)
    {
        for (var p = start; p < Length;)
        {
            var run = RunFrom(p);
            var i = run.IndexOf(value);
            if (i >= 0) return p + i;
            p += run.Length;
        }
        return -1;
    }

    private void CheckSpan(int start, int length)
    {
        if (start < 0 || length < 0 || start > Length - length) throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {start + length}) is not within a text of {Length} characters");
    }

    public override string ToString() => Text;

    public int GetLineStart(int line)
    {
        var starts = LineStarts;
        return starts[Math.Clamp(line, 0, starts.Length - 1)];
    }

    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Length);
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
        offset = Math.Clamp(offset, 0, Length);
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
        if (position.Line >= starts.Length) return Length;
        var start = starts[position.Line];
        var end = position.Line + 1 < starts.Length ? starts[position.Line + 1] : Length;
        // The line's length leaves out its line break ("\n", "\r" or "\r\n").
        if (end > start && this[end - 1] == '\n') end--;
        if (end > start && this[end - 1] == '\r') end--;
        return Math.Min(start + Math.Max(0, position.Character), end);
    }

    public TextSpan GetSpan(LinePosition start, LinePosition end)
    {
        var s = GetOffset(start);
        var e = GetOffset(end);
        return TextSpan.FromBounds(Math.Min(s, e), Math.Max(s, e));
    }

    /// <summary>
    /// Applies one edit and returns the new text: the pieces the edit touched are made again, the others shared. When
    /// this text's line map was made, the new one is made from it: the lines before the edit are kept, those after it
    /// moved, and only the edited stretch is looked at again.
    /// </summary>
    public SourceText WithChange(TextChange change)
    {
        var start = Math.Clamp(change.Span.Start, 0, Length);
        var end = Math.Clamp(change.Span.End, start, Length);
        var result = new SourceText(Pieces().Replace(start, end, change.NewText));
        if (Volatile.Read(ref _lineStarts) is { } starts) result._lineStarts = MovedLineStarts(starts, result, start, end, result.Length - Length);
        return result;
    }

    /// <summary>This text in pieces: those of an edited text, or the string cut up (once, on the first edit).</summary>
    private Chunks Pieces() => Volatile.Read(ref _chunks) ?? Interlocked.CompareExchange(ref _chunks, Chunks.Cut(_whole!, ChunkTarget), null) ?? _chunks!;

    /// <summary>
    /// The line starts after replacing [start, end) of the old text. A line starts at p &gt; 0 exactly when the character
    /// before p is '\n', or is '\r' not followed by '\n' at p; so a start depends on the characters at p - 1 and p only.
    /// Old starts up to start - 1 read no edited character and stay; old starts from end + 1 read none and move by
    /// <paramref name="delta"/>; the new starts from start to the edit's new end are found in the new text.
    /// </summary>
    private static int[] MovedLineStarts(int[] old, SourceText newText, int start, int end, int delta)
    {
        // Old starts <= start - 1, and the first old start >= end + 1.
        var before = UpperBound(old, start - 1);
        var after = UpperBound(old, end);
        var last = Math.Min(newText.Length, end + delta);
        var found = new List<int>();
        if (before == 0) found.Add(0);
        // The characters read: from start - 1 to last (the one after a '\r').
        var from = Math.Max(0, start - 1);
        var window = newText.Window(from, Math.Min(newText.Length, last + 1));
        var text = window.Chars;
        var length = newText.Length;
        for (var p = Math.Max(1, start); p <= last; p++)
        {
            var c = text[p - 1 - window.Base];
            if (c == '\n' || (c == '\r' && (p == length || text[p - window.Base] != '\n'))) found.Add(p);
        }
        var starts = new int[before + found.Count + (old.Length - after)];
        Array.Copy(old, starts, before);
        found.CopyTo(starts, before);
        var at = before + found.Count;
        for (var i = after; i < old.Length; i++) starts[at++] = old[i] + delta;
        return starts;
    }

    /// <summary>The number of elements of the sorted array that are at most <paramref name="value"/>.</summary>
    internal static int UpperBound(int[] sorted, int value)
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

/// <summary>Characters of a text by document offset: offset o is <c>Chars[o - Base]</c>.</summary>
public readonly record struct TextWindow(string Chars, int Base)
{
    /// <summary>The whole of a string, from offset 0.</summary>
    public static implicit operator TextWindow(string text) => new(text, 0);

    public char this[int offset] => Chars[offset - Base];
    public ReadOnlySpan<char> AsSpan(int start, int length) => Chars.AsSpan(start - Base, length);
    public string Substring(int start, int length) => Chars.Substring(start - Base, length);
}

/// <summary>The pieces of an edited <see cref="SourceText"/>, each with its start offset, and about how many characters a piece holds. Immutable.</summary>
internal sealed record Chunks(string[] Pieces, int[] Starts, int Length, int Target)
{
    public static Chunks Cut(string text, int target)
    {
        var count = Math.Max(1, (text.Length + target - 1) / target);
        var pieces = new string[count];
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = i * target;
            pieces[i] = text.Substring(starts[i], Math.Min(target, text.Length - starts[i]));
        }
        return new Chunks(pieces, starts, text.Length, target);
    }

    /// <summary>The piece that holds <paramref name="offset"/> (the last one for the text's end).</summary>
    public int IndexOf(int offset) => Math.Max(0, SourceText.UpperBound(Starts, offset) - 1);

    public void CopyTo(int start, Span<char> destination)
    {
        var i = IndexOf(start);
        var at = start - Starts[i];
        var written = 0;
        while (written < destination.Length)
        {
            var piece = Pieces[i].AsSpan(at);
            var n = Math.Min(piece.Length, destination.Length - written);
            piece[..n].CopyTo(destination[written..]);
            written += n;
            i++;
            at = 0;
        }
    }

    public string Join() => string.Create(Length, this, static (destination, chunks) => chunks.CopyTo(0, destination));

    /// <summary>
    /// The pieces after replacing [start, end) with <paramref name="inserted"/>: the pieces that held the replaced
    /// stretch become one new piece (cut again where it grew long, joined to the next where it shrank small); every
    /// other piece is shared.
    /// </summary>
    public Chunks Replace(int start, int end, string inserted)
    {
        var first = IndexOf(start);
        var last = end > start ? IndexOf(end - 1) : first;
        var head = Pieces[first].AsSpan(0, start - Starts[first]);
        var tail = Pieces[last].AsSpan(end - Starts[last]);
        var next = last + 1;
        string joined;
        if (head.Length + inserted.Length + tail.Length < Target / 4 && next < Pieces.Length)
        {
            // Small: take the next piece in as well.
            joined = string.Concat(head, inserted, tail, Pieces[next]);
            last = next;
        }
        else
        {
            joined = string.Concat(head, inserted.AsSpan(), tail);
        }
        // Cut what grew long into pieces of about the target size.
        var parts = joined.Length <= 2 * Target ? 1 : (joined.Length + Target - 1) / Target;
        if (joined.Length == 0 && Pieces.Length > 1) parts = 0;
        var count = Pieces.Length - (last - first + 1) + parts;
        var pieces = new string[count];
        var starts = new int[count];
        Array.Copy(Pieces, pieces, first);
        Array.Copy(Starts, starts, first);
        var at = first;
        var offset = Starts[first];
        for (var k = 0; k < parts; k++)
        {
            var from = (int)((long)joined.Length * k / parts);
            var to = (int)((long)joined.Length * (k + 1) / parts);
            pieces[at] = parts == 1 ? joined : joined[from..to];
            starts[at] = offset + from;
            at++;
        }
        var delta = inserted.Length - (end - start);
        for (var k = last + 1; k < Pieces.Length; k++, at++)
        {
            pieces[at] = Pieces[k];
            starts[at] = Starts[k] + delta;
        }
        return new Chunks(pieces, starts, Length + delta, Target);
    }
}
