using System.Collections;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>
/// The tokens of a document as an immutable list of pieces, each a run of a shared token list moved by a number of
/// characters. An edit makes a new list from the old pieces before and after the re-lexed tokens and one new piece,
/// so it costs in the number of pieces, not of tokens: the tokens after an edit are moved when read, never copied.
/// Small pieces are merged with their neighbours so that the number of pieces stays bounded.
/// </summary>
internal sealed class TokenList : IReadOnlyList<Token>
{
    /// <summary>Pieces shorter than this are copied into their new neighbour at an edit rather than kept apart.</summary>
    private const int SmallPiece = 2048;
    private const int MaxPieces = 64;

    private readonly record struct Piece(Token[] Tokens, int Offset, int Count, int Delta);

    private readonly Piece[] _pieces;
    /// <summary>Index of each piece's first token; one more entry than pieces, the last being <see cref="Count"/>.</summary>
    private readonly int[] _firsts;
    private readonly Token[]? _single;
    private int _lastPiece; // a lookup hint only: read and written racily, always checked before use

    /// <summary>A list over an array of exactly the document's tokens (the list owns it from now on).</summary>
    public TokenList(Token[] tokens)
    {
        _single = tokens;
        _pieces = [new Piece(tokens, 0, tokens.Length, 0)];
        _firsts = [0, tokens.Length];
        Count = tokens.Length;
    }

    private TokenList(List<Piece> pieces)
    {
        _pieces = pieces.ToArray();
        _firsts = new int[_pieces.Length + 1];
        var n = 0;
        for (var i = 0; i < _pieces.Length; i++)
        {
            _firsts[i] = n;
            n += _pieces[i].Count;
        }
        _firsts[^1] = n;
        Count = n;
        if (_pieces.Length == 1 && _pieces[0] is { Offset: 0, Delta: 0 } p && p.Count == p.Tokens.Length) _single = p.Tokens;
    }

    public int Count { get; }

    /// <summary>The one array that holds every token, unmoved, when there is one (no edit has split the tokens).</summary>
    internal Token[]? Single => _single;

    public Token this[int index]
    {
        get
        {
            if (_single is not null) return _single[index];
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var k = _lastPiece;
            if ((uint)k >= (uint)_pieces.Length || index < _firsts[k] || index >= _firsts[k + 1])
            {
                k = PieceOf(index);
                _lastPiece = k;
            }
            var p = _pieces[k];
            var t = p.Tokens[p.Offset + index - _firsts[k]];
            return p.Delta == 0 ? t : t with { Start = t.Start + p.Delta };
        }
    }

    /// <summary>The piece that holds the token at <paramref name="index"/> (within the list's count).</summary>
    private int PieceOf(int index) => Math.Clamp(SourceText.UpperBound(_firsts, index) - 1, 0, _pieces.Length - 1);

    /// <summary>
    /// This list with tokens [<paramref name="removeStart"/>, <paramref name="removeEnd"/>) replaced by
    /// <paramref name="inserted"/>, and the tokens after moved by <paramref name="delta"/> characters.
    /// </summary>
    public TokenList Replace(int removeStart, int removeEnd, List<Token> inserted, int delta)
    {
        var pieces = new List<Piece>(_pieces.Length + 2);
        // Before: whole pieces, then the head of the piece the edit starts in.
        var k = 0;
        for (; k < _pieces.Length && _firsts[k + 1] <= removeStart; k++) pieces.Add(_pieces[k]);
        if (k < _pieces.Length && _firsts[k] < removeStart)
        {
            var p = _pieces[k];
            pieces.Add(p with { Count = removeStart - _firsts[k] });
        }

        // The middle: the inserted tokens, with a small piece on either side copied in so small pieces do not pile up.
        var middle = inserted;
        if (pieces.Count > 0 && pieces[^1].Count < SmallPiece)
        {
            var left = pieces[^1];
            pieces.RemoveAt(pieces.Count - 1);
            middle = new List<Token>(left.Count + inserted.Count + SmallPiece);
            AppendPiece(middle, left, 0);
            middle.AddRange(inserted);
        }

        // After: the tail of the piece the edit ends in, then whole pieces, all moved by delta.
        var after = new List<Piece>();
        var m = PieceOfEnd(removeEnd);
        if (m < _pieces.Length)
        {
            var p = _pieces[m];
            var skip = removeEnd - _firsts[m];
            if (skip < p.Count) after.Add(new Piece(p.Tokens, p.Offset + skip, p.Count - skip, p.Delta + delta));
            for (var j = m + 1; j < _pieces.Length; j++)
            {
                var q = _pieces[j];
                after.Add(q with { Delta = q.Delta + delta });
            }
        }
        if (after.Count > 0 && after[0].Count < SmallPiece)
        {
            if (ReferenceEquals(middle, inserted))
            {
                middle = new List<Token>(inserted.Count + after[0].Count);
                middle.AddRange(inserted);
            }
            AppendPiece(middle, after[0], 0);
            after.RemoveAt(0);
        }
        if (middle.Count > 0) pieces.Add(new Piece(middle.ToArray(), 0, middle.Count, 0));
        pieces.AddRange(after);
        if (pieces.Count > MaxPieces)
        {
            // Now and then (once in tens of edits): one flat list again keeps lookups and later edits cheap.
            var flat = GC.AllocateUninitializedArray<Token>(Count - (removeEnd - removeStart) + inserted.Count);
            var at = 0;
            foreach (var p in pieces)
            {
                for (var i = 0; i < p.Count; i++)
                {
                    var t = p.Tokens[p.Offset + i];
                    flat[at++] = p.Delta == 0 ? t : t with { Start = t.Start + p.Delta };
                }
            }
            return new TokenList(flat);
        }
        return new TokenList(pieces);
    }

    /// <summary>The piece holding token <paramref name="index"/> (the piece count when it is past the end).</summary>
    private int PieceOfEnd(int index) => index >= Count ? _pieces.Length : PieceOf(index);

    private static void AppendPiece(List<Token> into, Piece p, int extraDelta)
    {
        var delta = p.Delta + extraDelta;
        for (var i = 0; i < p.Count; i++)
        {
            var t = p.Tokens[p.Offset + i];
            into.Add(delta == 0 ? t : t with { Start = t.Start + delta });
        }
    }

    /// <summary>
    /// Where each token array holds a batch boundary (a T-SQL GO line, a psql meta-command, a MySQL DELIMITER line),
    /// found once per array: the arrays are shared by every later version of the document, so a question asked on
    /// every keystroke costs one search per piece instead of a walk over every token.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Token[], int[]> BoundaryIndexes = new();

    /// <summary>True for the tokens that end what an engine parses as one unit: GO, psql meta-commands, DELIMITER lines.</summary>
    public static bool IsBatchBoundary(TokenKind kind) => kind is TokenKind.BatchSeparator or TokenKind.MetaCommand or TokenKind.DelimiterCommand;

    /// <summary>The batch-boundary tokens (see <see cref="IsBatchBoundary"/>), in document order, at their current positions.</summary>
    public List<Token> BatchBoundaries()
    {
        var found = new List<Token>();
        foreach (var p in _pieces)
        {
            var indexes = BoundaryIndexes.GetValue(p.Tokens, static tokens =>
            {
                var list = new List<int>();
                for (var i = 0; i < tokens.Length; i++)
                    if (IsBatchBoundary(tokens[i].Kind)) list.Add(i);
                return list.ToArray();
            });
            if (indexes.Length == 0) continue;
            var from = Array.BinarySearch(indexes, p.Offset);
            if (from < 0) from = ~from;
            for (var j = from; j < indexes.Length && indexes[j] < p.Offset + p.Count; j++)
            {
                var t = p.Tokens[indexes[j]];
                found.Add(p.Delta == 0 ? t : t with { Start = t.Start + p.Delta });
            }
        }
        return found;
    }

    public bool Exists(Func<Token, bool> match)
    {
        foreach (var t in this)
            if (match(t)) return true;
        return false;
    }

    public IEnumerator<Token> GetEnumerator()
    {
        foreach (var p in _pieces)
            for (var i = 0; i < p.Count; i++)
            {
                var t = p.Tokens[p.Offset + i];
                yield return p.Delta == 0 ? t : t with { Start = t.Start + p.Delta };
            }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
