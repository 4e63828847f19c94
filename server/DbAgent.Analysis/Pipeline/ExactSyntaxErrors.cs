using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using DbAgent.Sql.Validation;

namespace DbAgent.Analysis.Pipeline;

/// <summary>
/// The engines' own grammars (libpg_query, ScriptDom) over each statement, cached by statement text: while typing,
/// only the statement being edited is new, so an edit costs one statement's parse, not the document's.
/// Statements our own front end already found broken are left to its message (one error per problem).
/// </summary>
public static class ExactSyntaxErrors
{
    /// <summary>
    /// Two generations: a lookup promotes an entry from the old one to the new one, and when the new one is full the
    /// old one is dropped. What every analysis run uses stays; what no document has any more goes within two turns.
    /// </summary>
    private const int GenerationSize = 100_000;
    /// <summary>And at most this many characters of statement text per generation (32 MB): a few long statements must not pin memory either.</summary>
    private const long GenerationCharacters = 16L << 20;
    private static readonly object Gate = new();
    private static ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>> _current = new();
    private static ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>> _previous = new();
    /// <summary>Entries added to the current generation. ConcurrentDictionary.Count takes every lock; this does not.</summary>
    private static int _added;
    private static long _addedCharacters;

    public static SyntaxValidators Validators { get; set; } = SyntaxValidators.Default;

    /// <summary>
    /// The engine's errors, reported only where the engine's parser also rejects the statement in its context: the
    /// batch as a whole (T-SQL: between GO lines; elsewhere: the file, split at psql meta-commands) for `check`, the
    /// statement with its neighbours for the editor. A statement our splitter cut wrongly fails on its own but not in
    /// context, and that is our artefact, not the user's error.
    /// </summary>
    /// <param name="wholeBatchFirst">
    /// Parse each batch first and go statement by statement only through batches that fail: one engine call per clean
    /// file (what `dbagent check` wants). The editor leaves it off: per-statement results are cached across edits,
    /// and the batch is parsed only to confirm errors. A one-shot run caches nothing: no statement is seen twice,
    /// and keeping every statement's text for the rest of the run was most of `dbagent check`'s memory.
    /// </param>
    public static IReadOnlyList<SyntaxError> Find(SqlScript script, CancellationToken cancellationToken, bool wholeBatchFirst = false) =>
        Find(script, wholeBatchFirst, outOfTime: null, out _, cancellationToken);

    /// <param name="outOfTime">Asked between statements: true stops the check, and what was found so far is returned.</param>
    /// <param name="stoppedAt">Where the check stopped for lack of time (the start of the first statement not checked), else null.</param>
    /// <param name="carried">
    /// The document's engine results per statement from its last check (the editor keeps them on its lint cache): after
    /// an edit, those of the statements the edit kept are taken by index (<see cref="SqlScript.Edit"/>), and the
    /// check keeps this version's for the next one.
    /// </param>
    public static IReadOnlyList<SyntaxError> Find(SqlScript script, bool wholeBatchFirst, Func<bool>? outOfTime, out int? stoppedAt, CancellationToken cancellationToken,
        StrongBox<Carried?>? carried = null)
    {
        stoppedAt = null;
        if (Validators.For(script.Dialect) is not { } validator) return [];
        var errors = new List<SyntaxError>();
        var broken = script.Errors;
        var next = 0;
        var statements = script.Statements;
        var s = 0;
        // Each statement's own result (relative to its start), by index; null until checked.
        IReadOnlyList<SyntaxError>?[]? results = null;
        if (carried is not null && !wholeBatchFirst)
        {
            results = new IReadOnlyList<SyntaxError>?[statements.Count];
            if (carried.Value is { } previous && script.IsEditOf(previous.Version, previous.Results.Length))
                script.CarryKept(previous.Results, results);
        }
        foreach (var batch in Batches(script))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (outOfTime?.Invoke() == true)
            {
                stoppedAt = batch.Start;
                return errors;
            }
            var first = s;
            while (s < statements.Count && statements[s].Span.Start < batch.End) s++;
            if (first == s) continue;
            bool? batchFails = null;
            // A batch our lexer already finds broken (unbalanced, unterminated) is not handed to the engine whole: its
            // broken statements are left to our message, as below, and pathological input stays out of the engine.
            if (wholeBatchFirst && !broken.Any(e => e.Span.IntersectsWith(batch)))
            {
                batchFails = validator.Validate(script.Text.ToString(batch), batch.Start).Count > 0;
                if (batchFails == false) continue;
            }
            for (var i = first; i < s; i++)
            {
                var statement = statements[i];
                if ((i & 7) == 7 && outOfTime?.Invoke() == true)
                {
                    stoppedAt = statement.Span.Start;
                    return errors;
                }
                // Both lists are in document order: walk the lexical errors alongside.
                while (next < broken.Count && broken[next].Span.End < statement.Span.Start) next++;
                if (next < broken.Count && broken[next].Span.IntersectsWith(statement.Span)) continue;
                var own = wholeBatchFirst ? validator.Validate(script.Text.ToString(WithTerminator(script, statement)), 0)
                    : results is not null ? results[i] ??= ForStatement(script, statement, validator)
                    : ForStatement(script, statement, validator);
                if (own.Count == 0) continue;
                var span = WithTerminator(script, statement);
                // Confirm with more context than our split gave the engine: the statement with its neighbours in the
                // batch (bounded cost per edit, cached like the statements). What passes there was our artefact.
                {
                    var from = i > first ? statements[i - 1].Span.Start : batch.Start;
                    var to = i + 1 < s ? WithTerminator(script, statements[i + 1]).End : batch.End;
                    var window = TextSpan.FromBounds(Math.Max(batch.Start, from), Math.Min(batch.End, Math.Max(to, span.End)));
                    var windowText = script.Text.ToString(window);
                    var inContext = wholeBatchFirst ? validator.Validate(windowText, 0) : Lookup((script.Dialect, windowText), validator);
                    if (inContext.Count == 0) continue;
                }
                foreach (var error in own)
                    errors.Add(error with { Span = new TextSpan(error.Span.Start + span.Start, error.Span.Length) });
            }
        }
        if (carried is not null && results is not null) carried.Value = new Carried(script.Version, results);
        return errors;
    }

    /// <summary>One version's engine results per statement (see <c>carried</c> of <see cref="Find(SqlScript, bool, Func{bool}?, out int?, CancellationToken, StrongBox{Carried?}?)"/>).</summary>
    public sealed class Carried
    {
        internal Carried(object version, IReadOnlyList<SyntaxError>?[] results)
        {
            Version = version;
            Results = results;
        }

        /// <summary>The <see cref="SqlScript.Version"/> they are of (an identity only: no script is held).</summary>
        internal object Version { get; }
        internal IReadOnlyList<SyntaxError>?[] Results { get; }
    }

    /// <summary>
    /// The statement with the semicolon that ends it when only spaces and line breaks stand between them: T-SQL requires
    /// it after MERGE, and the engine must see it. Read from the statement's tokens (its terminator, and what lies
    /// between), not character by character from the text: this runs for every statement on every keystroke.
    /// </summary>
    private static TextSpan WithTerminator(SqlScript script, ParsedStatement statement) =>
        IsTerminated(script, statement) ? TextSpan.FromBounds(statement.Span.Start, script.Tokens[statement.Slice.TerminatorToken].End) : statement.Span;

    /// <summary>Whether <see cref="WithTerminator"/> adds the semicolon: from the slice alone when the semicolon follows the statement at once.</summary>
    private static bool IsTerminated(SqlScript script, ParsedStatement statement)
    {
        var slice = statement.Slice;
        if (slice.Terminator != StatementTerminator.Semicolon || slice.TerminatorToken <= slice.LastToken) return false;
        if (slice.TerminatorToken == slice.LastToken + 1) return true;
        var tokens = script.Tokens;
        for (var i = slice.LastToken + 1; i < slice.TerminatorToken; i++)
        {
            var between = tokens[i];
            if (between.Kind != TokenKind.Whitespace || script.Text.Slice(between.Span).IndexOfAnyExcept(" \t\r\n") >= 0) return false;
        }
        return true;
    }

    /// <summary>What the engine parses as one unit: split at T-SQL GO lines and at client commands (psql \set, DELIMITER).</summary>
    private static List<TextSpan> Batches(SqlScript script)
    {
        var batches = new List<TextSpan>();
        var start = 0;
        // Only the boundary tokens: walking every token of a 20,000-line file was a tenth of a keystroke's analysis.
        foreach (var token in script.BatchBoundaries())
        {
            if (token.Start > start) batches.Add(TextSpan.FromBounds(start, token.Start));
            start = token.End;
        }
        if (script.Text.Length > start) batches.Add(TextSpan.FromBounds(start, script.Text.Length));
        return batches;
    }

    /// <summary>
    /// Per statement tree first: an edit leaves every other statement's tree as it was, so they cost one table lookup
    /// each, with no copy of their text (copying and hashing every statement's text on each keystroke was most of an
    /// edit's analysis time in a large file).
    /// </summary>
    private static readonly int ByTree = TreeMemo.Reserve();

    private sealed record TreeErrors(bool Terminated, IReadOnlyList<SyntaxError> Errors);

    private static IReadOnlyList<SyntaxError> ForStatement(SqlScript script, ParsedStatement statement, ISyntaxValidator validator)
    {
        // The semicolon after the tree is part of what the engine sees: the entry holds whether there was one.
        var terminated = IsTerminated(script, statement);
        if (statement.Memo.Get(ByTree) is TreeErrors known && known.Terminated == terminated) return known.Errors;
        var span = terminated ? TextSpan.FromBounds(statement.Span.Start, script.Tokens[statement.Slice.TerminatorToken].End) : statement.Span;
        var found = Lookup((script.Dialect, script.Text.ToString(span)), validator);
        statement.Memo.Set(ByTree, new TreeErrors(terminated, found));
        return found;
    }

    private static IReadOnlyList<SyntaxError> Lookup((SqlDialect, string) key, ISyntaxValidator validator)
    {
        var current = _current;
        if (current.TryGetValue(key, out var found)) return found;
        if (!_previous.TryGetValue(key, out found)) found = validator.Validate(key.Item2, 0);
        if (current.TryAdd(key, found)
            && (Interlocked.Increment(ref _added) > GenerationSize | Interlocked.Add(ref _addedCharacters, key.Item2.Length) > GenerationCharacters))
        {
            lock (Gate)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>>();
                    Volatile.Write(ref _added, 0);
                    Volatile.Write(ref _addedCharacters, 0);
                }
            }
        }
        return found;
    }
}
