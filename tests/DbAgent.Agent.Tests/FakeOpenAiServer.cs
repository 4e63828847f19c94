using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace DbAgent.Agent.Tests;

/// <summary>
/// An OpenAI-compatible chat completions endpoint on 127.0.0.1 (what Ollama and LM Studio expose), answering with
/// server-sent events: enough to drive Semantic Kernel's OpenAI connector for real without a network or a model.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];

    public FakeOpenAiServer(IReadOnlyList<string> chunks, TimeSpan? delay = null, int status = 200, bool endless = false, (string Name, string Arguments)? toolCall = null)
    {
        ToolCall = toolCall;
        Chunks = chunks;
        Delay = delay ?? TimeSpan.Zero;
        Status = status;
        Endless = endless;
        var port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/v1");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUri { get; }
    public IReadOnlyList<string> Chunks { get; }
    public TimeSpan Delay { get; }
    public int Status { get; }
    /// <summary>Keep streaming the chunks until the client goes away (for cancellation tests).</summary>
    public bool Endless { get; }

    /// <summary>A function the model calls in its first answer (as `plugin-function`), before it answers with text.</summary>
    public (string Name, string Arguments)? ToolCall { get; }

    /// <summary>The request bodies received, as JSON text.</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

    /// <summary>Set once a response stream was abandoned by the client.</summary>
    public TaskCompletionSource ClientWentAway { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        int number;
        lock (_requests) { _requests.Add(body); number = _requests.Count; }
        var response = context.Response;
        try
        {
            if (Status != 200)
            {
                response.StatusCode = Status;
                response.ContentType = "application/json";
                var error = Encoding.UTF8.GetBytes("""{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}""");
                await response.OutputStream.WriteAsync(error);
                response.Close();
                return;
            }
            response.StatusCode = 200;
            response.ContentType = "text/event-stream";
            response.SendChunked = true;
            if (ToolCall is { } call && number == 1)
            {
                await WriteEventAsync(response, JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-test", @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake",
                    choices = new[]
                    {
                        new
                        {
                            index = 0,
                            delta = new { role = "assistant", tool_calls = new[] { new { index = 0, id = "call_1", type = "function", function = new { name = call.Name, arguments = call.Arguments } } } },
                            finish_reason = (string?)null,
                        },
                    },
                }));
                await WriteEventAsync(response, Delta(null, "tool_calls"));
                await response.OutputStream.WriteAsync("data: [DONE]\n\n"u8.ToArray());
                response.Close();
                return;
            }
            var round = 0;
            do
            {
                foreach (var chunk in Chunks)
                {
                    if (Delay > TimeSpan.Zero) await Task.Delay(Delay, _stop.Token);
                    await WriteEventAsync(response, Delta(chunk, null));
                }
                round++;
            } while (Endless && round < 10_000);
            await WriteEventAsync(response, Delta(null, "stop"));
            await response.OutputStream.WriteAsync("data: [DONE]\n\n"u8.ToArray());
            response.Close();
        }
        catch (Exception)
        {
            ClientWentAway.TrySetResult();
            try { response.Abort(); } catch (Exception) { }
        }
    }

    private static string Delta(string? content, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "fake",
        choices = new[] { new { index = 0, delta = content is null ? (object)new { } : new { role = "assistant", content }, finish_reason = finish } },
    });

    private static async Task WriteEventAsync(HttpListenerResponse response, string json)
    {
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("data: " + json + "\n\n"));
        await response.OutputStream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
    }
}
