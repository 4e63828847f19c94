using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace DbAgent.Server.Host;

/// <summary>
/// LSP's base protocol (Content-Length framing) in front of the JSON-RPC formatter, checking each body before the
/// formatter sees it. JSON-RPC 2.0 section 5.1: a body that is not JSON is answered with Parse error (-32700), one
/// that is JSON but not a request, notification or response (null, an array, an object id, a numeric method) with
/// Invalid Request (-32600); the connection goes on. Lone UTF-16 surrogates in string escapes (which a client may
/// send for text that has them) become U+FFFD, one UTF-16 unit for one, so positions in the text do not move.
/// A broken frame (no Content-Length, a header that is not `Name: value`, the stream ending inside a body) cannot be
/// resynchronised: it ends the connection with a <see cref="BadRpcHeaderException"/> that says what was wrong.
/// </summary>
public sealed class LspMessageHandler(Stream sendingStream, Stream receivingStream, IJsonRpcMessageFormatter formatter)
    : HeaderDelimitedMessageHandler(sendingStream, receivingStream, formatter)
{
    /// <summary>The largest body taken: a 50 MB file in a didOpen is fine; a length near 2 GB is a broken frame.</summary>
    public const int MaxContentLength = 512 * 1024 * 1024;

    /// <summary>How many invalid messages were answered with an error (for tests and the log).</summary>
    public int RefusedMessages => Volatile.Read(ref _refused);

    private int _refused;

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        var reader = Reader ?? throw new InvalidOperationException("no receiving stream");
        while (true)
        {
            var length = await ReadHeadersAsync(reader, cancellationToken).ConfigureAwait(false);
            if (length is null) return null;
            var body = await ReadBodyAsync(reader, length.Value, cancellationToken).ConfigureAwait(false);
            var (problem, code, id) = Check(ref body);
            if (problem is null)
            {
                try
                {
                    return Formatter.Deserialize(new ReadOnlySequence<byte>(body));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    (problem, code) = ($"The message could not be read: {e.Message}", JsonRpcErrorCode.InvalidRequest);
                }
            }
            Interlocked.Increment(ref _refused);
            await RefuseAsync(problem, code, id, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefuseAsync(string message, JsonRpcErrorCode code, RequestId id, CancellationToken cancellationToken)
    {
        var error = Formatter is IJsonRpcMessageFactory factory ? factory.CreateErrorMessage() : new JsonRpcError();
        error.RequestId = id;
        error.Error = new JsonRpcError.ErrorDetail { Code = code, Message = message };
        await WriteAsync(error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a body is not a JSON-RPC message (null when it is one), with the error code and the id to answer with.</summary>
    internal static (string? Problem, JsonRpcErrorCode Code, RequestId Id) Check(ref byte[] body)
    {
        body = LoneSurrogates.Replace(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            return ($"Parse error: the message is not JSON ({e.Message})", JsonRpcErrorCode.ParseError, RequestId.Null);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
                return ("Invalid Request: batches are not supported by the Language Server Protocol; send one message at a time.", JsonRpcErrorCode.InvalidRequest, RequestId.Null);
            if (root.ValueKind != JsonValueKind.Object)
                return ($"Invalid Request: a message is a JSON object, not {Describe(root.ValueKind)}.", JsonRpcErrorCode.InvalidRequest, RequestId.Null);
            var id = RequestId.Null;
            if (root.TryGetProperty("id", out var idElement))
            {
                switch (idElement.ValueKind)
                {
                    case JsonValueKind.String: id = new RequestId(idElement.GetString()); break;
                    case JsonValueKind.Number when idElement.TryGetInt64(out var n): id = new RequestId(n); break;
                    case JsonValueKind.Null: break;
                    default: return ($"Invalid Request: an id is a string or an integer, not {Describe(idElement.ValueKind)}.", JsonRpcErrorCode.InvalidRequest, RequestId.Null);
                }
            }
            if (root.TryGetProperty("jsonrpc", out var version) && !(version.ValueKind == JsonValueKind.String && version.ValueEquals("2.0")))
                return ("Invalid Request: jsonrpc must be \"2.0\".", JsonRpcErrorCode.InvalidRequest, id);
            if (root.TryGetProperty("method", out var method))
            {
                if (method.ValueKind != JsonValueKind.String || method.GetString() is not { Length: > 0 })
                    return ($"Invalid Request: a method is a non-empty string, not {Describe(method.ValueKind)}.", JsonRpcErrorCode.InvalidRequest, id);
                if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                    return ($"Invalid Request: params are an object or an array, not {Describe(parameters.ValueKind)}.", JsonRpcErrorCode.InvalidRequest, id);
                return (null, default, id);
            }
            // A response: to one of our requests, with an id and a result or an error.
            var isResponse = idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number &&
                (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object);
            return isResponse ? (null, default, id) : ("Invalid Request: the message has no method and is not a response.", JsonRpcErrorCode.InvalidRequest, id);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "missing",
    };

    /// <summary>Reads the header block; the body's length, or null at a clean end of stream before a message.</summary>
    private static async ValueTask<int?> ReadHeadersAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        int? length = null;
        var sawHeader = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.End);
                    if (buffer.Length == 0 && !sawHeader) return null;
                    throw new BadRpcHeaderException("The stream ended inside a message header.");
                }
                if (buffer.Length > 8192) throw new BadRpcHeaderException("A header line is longer than 8 KB: this is not LSP's framing.");
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var lineBytes = buffer.Slice(0, lf.Value).ToArray();
            reader.AdvanceTo(buffer.GetPosition(1, lf.Value));
            var line = Encoding.ASCII.GetString(lineBytes);
            if (!line.EndsWith('\r')) throw new BadRpcHeaderException($"A header line does not end with \\r\\n: '{Shorten(line)}'.");
            line = line[..^1];
            if (line.Length == 0)
            {
                if (!sawHeader) throw new BadRpcHeaderException("An empty header block: every message starts with Content-Length.");
                return length ?? throw new BadRpcHeaderException("A message without a Content-Length header.");
            }
            sawHeader = true;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new BadRpcHeaderException($"A header line is not 'Name: value': '{Shorten(line)}'.");
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > MaxContentLength)
                    throw new BadRpcHeaderException($"Content-Length '{Shorten(value)}' is not a length up to {MaxContentLength} bytes.");
                length = n;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                var charset = value.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase));
                if (charset is not null && charset["charset=".Length..].Trim('"') is var cs && !cs.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !cs.Equals("utf8", StringComparison.OrdinalIgnoreCase))
                    throw new BadRpcHeaderException($"Content-Type charset '{Shorten(cs)}' is not supported: LSP messages are UTF-8.");
            }
        }
    }

    private static async ValueTask<byte[]> ReadBodyAsync(PipeReader reader, int length, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, length - filled);
            buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
            filled += take;
            reader.AdvanceTo(buffer.GetPosition(take));
            if (filled < length && result.IsCompleted)
                throw new BadRpcHeaderException($"The stream ended inside a message body: {filled} of the {length} bytes Content-Length announced.");
        }
        return body;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
