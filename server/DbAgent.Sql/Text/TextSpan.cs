namespace DbAgent.Sql.Text;

/// <summary>A half-open range of UTF-16 code units in a document: [Start, Start + Length).</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;
    public bool IsEmpty => Length == 0;

    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    public bool Contains(int position) => position >= Start && position < End;

    /// <summary>True when the span contains the position or the position is just after its end (a caret at the end).</summary>
    public bool ContainsOrTouches(int position) => position >= Start && position <= End;

    public bool Contains(TextSpan other) => other.Start >= Start && other.End <= End;

    public bool Overlaps(TextSpan other) => Start < other.End && other.Start < End;

    public bool IntersectsWith(TextSpan other) => Start <= other.End && other.Start <= End;

    public override string ToString() => $"[{Start}..{End})";
}

/// <summary>A zero-based line and UTF-16 column, as LSP counts them.</summary>
public readonly record struct LinePosition(int Line, int Character) : IComparable<LinePosition>
{
    public int CompareTo(LinePosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Character.CompareTo(other.Character);
    public static bool operator <(LinePosition left, LinePosition right) => left.CompareTo(right) < 0;
    public static bool operator <=(LinePosition left, LinePosition right) => left.CompareTo(right) <= 0;
    public static bool operator >(LinePosition left, LinePosition right) => left.CompareTo(right) > 0;
    public static bool operator >=(LinePosition left, LinePosition right) => left.CompareTo(right) >= 0;
    public override string ToString() => $"{Line + 1}:{Character + 1}";
}

public readonly record struct LineSpan(LinePosition Start, LinePosition End);

/// <summary>An edit: the old span that was replaced and the length of the new text.</summary>
public readonly record struct TextChange(TextSpan Span, string NewText);
