using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>
/// Makes the JSON of one document's diagnostics, publish after publish. Each diagnostic is its range, written here as
/// numbers, and the rest (severity, code, its link, source, message) as the host's serializer writes it: that part is
/// remembered by the message string, which a finding keeps when an edit only moves it. So an edit costs a copy of the
/// document's diagnostics' bytes, not a serialisation of every one. Not thread-safe: one per document, used by the
/// document's one analysis loop (each publish is written out before the next starts).
/// </summary>
public sealed class PublishedJson
{
    /// <summary>The host's serializer settings (<see cref="LanguageServerHost.ConfigureSerializer"/>).</summary>
    private static readonly JsonSerializerOptions Options = LanguageServerHost.SerializerOptions();

    private static readonly Range Origin = new(new Position(0, 0), new Position(0, 0));
    /// <summary>What the serializer writes before the rest of a diagnostic whose range is <see cref="Origin"/>.</summary>
    private static readonly byte[] OriginPrefix = "{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},"u8.ToArray();

    /// <summary>The rest of each diagnostic (after its range), by what it says, with the publish that last used it.</summary>
    private readonly Dictionary<TailKey, Tail> _tails = [];
    private int _publish;
    /// <summary>Two buffers in turn: a publish's JSON stays valid until the one after the next publish.</summary>
    private readonly ArrayBufferWriter<byte>[] _buffers = [new(), new()];
    /// <summary>Where each diagnostic's JSON starts in the buffer of the same turn (valid while that buffer is).</summary>
    private readonly List<int>[] _starts = [[], []];
    private int _turn;
    /// <summary>Whether the last publish was written here diagnostic by diagnostic (its bytes can be copied by the next).</summary>
    private bool _lastWritten;

    internal int Remembered => _tails.Count;

    /// <summary>How many diagnostics' tails were serialised (not found remembered): for tests.</summary>
    public int Serialized { get; private set; }

    /// <summary>How many diagnostics the last publish wrote (the others it copied from the publish before): for tests.</summary>
    internal int LastWritten { get; private set; }

    public PreparedDiagnostics Prepare(Diagnostic[] diagnostics) => Prepare(diagnostics, 0, 0);

    /// <summary>
    /// As <see cref="Prepare(Diagnostic[])"/> for part of a document's diagnostics (a splice), of
    /// <paramref name="documentCount"/> in all: the other diagnostics' JSON stays remembered for the splices that move them.
    /// </summary>
    public PreparedDiagnostics Prepare(Diagnostic[] part, int documentCount)
    {
        var prepared = Prepare(part, 0, 0, documentCount);
        _lastWritten = false; // not the document's whole list: nothing to copy from it
        return prepared;
    }

    /// <summary>
    /// As <see cref="Prepare(Diagnostic[])"/>, where the first <paramref name="same"/> diagnostics are the last publish's
    /// first ones and the last <paramref name="sameAtEnd"/> its last ones, ranges included: their bytes are copied from the
    /// last publish in two blocks, and only the diagnostics between are written.
    /// </summary>
    public PreparedDiagnostics Prepare(Diagnostic[] diagnostics, int same, int sameAtEnd) => Prepare(diagnostics, same, sameAtEnd, diagnostics.Length);

    private PreparedDiagnostics Prepare(Diagnostic[] diagnostics, int same, int sameAtEnd, int documentCount)
    {
        var previous = _buffers[_turn ^ 1];
        var previousStarts = _starts[_turn ^ 1];
        if (!_lastWritten || same + sameAtEnd > previousStarts.Count || same + sameAtEnd > diagnostics.Length) (same, sameAtEnd) = (0, 0);
        var buffer = _buffers[_turn];
        var starts = _starts[_turn];
        _turn ^= 1;
        buffer.ResetWrittenCount();
        starts.Clear();
        var publish = ++_publish;
        _lastWritten = false;
        Write(buffer, "["u8);
        if (same > 0)
        {
            // Diagnostics [0, same) of the last publish: from the first one's start to the comma before the next.
            var end = same < previousStarts.Count ? previousStarts[same] - 1 : previous.WrittenCount - 1;
            foreach (var start in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(previousStarts)[..same]) starts.Add(start);
            Write(buffer, previous.WrittenSpan[previousStarts[0]..end]);
        }
        for (var i = same; i < diagnostics.Length - sameAtEnd; i++)
        {
            var d = diagnostics[i];
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_tails,
                new TailKey(d.Message, d.Code, d.Severity, d.CodeDescription?.Href, d.Source), out var known);
            if (!known)
            {
                slot = new Tail(TailOf(d));
                Serialized++;
            }
            var tail = slot!;
            tail.LastPublish = publish;
            if (tail.Bytes.Length == 0)
            {
                // The serializer did not write the expected shape: this publish goes the ordinary way.
                return new PreparedDiagnostics(diagnostics, default);
            }
            if (i > 0) Write(buffer, ","u8);
            starts.Add(buffer.WrittenCount);
            WriteRange(buffer, d.Range);
            Write(buffer, tail.Bytes);
        }
        if (sameAtEnd > 0)
        {
            // The last publish's last diagnostics: from the first one's start to its closing bracket, moved to here.
            var from = previousStarts[^sameAtEnd];
            if (diagnostics.Length > sameAtEnd) Write(buffer, ","u8);
            var shift = buffer.WrittenCount - from;
            foreach (var start in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(previousStarts)[^sameAtEnd..]) starts.Add(start + shift);
            Write(buffer, previous.WrittenSpan[from..(previous.WrittenCount - 1)]);
        }
        Write(buffer, "]"u8);
        _lastWritten = true;
        LastWritten = diagnostics.Length - same - sameAtEnd;
        // What no publish used lately goes (the map stays within twice what the document has; a publish that copied
        // the last one's bytes did not mark the tails it copied, so it only clears out a map grown far larger).
        if (_tails.Count > (same + sameAtEnd == 0 ? 2 : 8) * documentCount + 64)
        {
            foreach (var (key, tail) in _tails)
                if (tail.LastPublish != publish) _tails.Remove(key);
        }
        return new PreparedDiagnostics(diagnostics, buffer.WrittenMemory);
    }

    /// <summary>The serializer's JSON of the diagnostic after its range (from the first property after it to the closing brace); empty if the shape is not the expected one.</summary>
    private sealed class Tail(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;
        public int LastPublish;
    }

    private static byte[] TailOf(Diagnostic diagnostic)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(diagnostic with { Range = Origin }, Options);
        return json.AsSpan().StartsWith(OriginPrefix) ? json[OriginPrefix.Length..] : [];
    }

    private static void WriteRange(ArrayBufferWriter<byte> buffer, Range range)
    {
        Write(buffer, "{\"range\":{\"start\":{\"line\":"u8);
        WriteNumber(buffer, range.Start.Line);
        Write(buffer, ",\"character\":"u8);
        WriteNumber(buffer, range.Start.Character);
        Write(buffer, "},\"end\":{\"line\":"u8);
        WriteNumber(buffer, range.End.Line);
        Write(buffer, ",\"character\":"u8);
        WriteNumber(buffer, range.End.Character);
        Write(buffer, "}},"u8);
    }

    private static void WriteNumber(ArrayBufferWriter<byte> buffer, int value)
    {
        var span = buffer.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out var written);
        buffer.Advance(written);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    /// <summary>What a diagnostic says besides its range. Strings compare by reference: a moved finding keeps its strings, and a miss only costs one serialisation.</summary>
    private readonly struct TailKey(string message, string? code, DiagnosticSeverity severity, string? href, string source) : IEquatable<TailKey>
    {
        private readonly string _message = message;
        private readonly string? _code = code;
        private readonly DiagnosticSeverity _severity = severity;
        private readonly string? _href = href;
        private readonly string _source = source;

        public bool Equals(TailKey other) => ReferenceEquals(_message, other._message) && ReferenceEquals(_code, other._code) && _severity == other._severity
            && ReferenceEquals(_href, other._href) && ReferenceEquals(_source, other._source);

        public override bool Equals(object? obj) => obj is TailKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_message), RuntimeHelpers.GetHashCode(_code), _severity);
    }
}
