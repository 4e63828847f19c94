using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Benchmarks;

/// <summary>
/// `large`: a 50 MB SQL file opened in `dbagent lsp` (a child process over stdio), for the size policy of issue 12:
/// the time to the first diagnostics, the resident memory before, at the peak and after the file is closed. Run
/// twice in the same session, under the default size policy and with the limits off (`maxFileSizeMB: 0`,
/// `maxStatements: 0`, `stageTimeLimitMs: 0`: every stage on every statement, as before the policy), so that the
/// figures stand beside what the policy saves.
/// usage: large [--mb N] [--settle-seconds S] [--skip-full]
/// </summary>
internal static class LargeFileBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var megabytes = Option(args, "--mb", 50);
        var settle = Option(args, "--settle-seconds", 5);
        var server = Path.Combine(AppContext.BaseDirectory, "dbagent.dll");
        Measure.Environment();
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        var text = Generate(megabytes);
        Console.WriteLine($"document: {text.Length / (1024.0 * 1024.0):F1} MB of text, {text.Split('\n').Length:N0} lines");

        await Once("size policy (defaults)", server, text, new { }, settle);
        if (!args.Contains("--skip-full"))
            await Once("limits off (every stage)", server, text, new { analysis = new { maxFileSizeMB = 0, maxStatements = 0, stageTimeLimitMs = 0 } }, settle);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>Inserts and queries, a DELETE without WHERE first: what a data dump or a long migration looks like.</summary>
    public static string Generate(int megabytes)
    {
        var text = new StringBuilder((megabytes + 2) << 20);
        text.Append("DELETE FROM audit_log;\n");
        var i = 0;
        while (text.Length < megabytes << 20)
        {
            text.Append("INSERT INTO events (id, kind, payload, created_at) VALUES (").Append(i).Append(", 'click', '{\"page\": \"/home\", \"n\": ")
                .Append(i % 97).Append("}', now());\n");
            if (i++ % 10 == 0) text.Append("SELECT e.id, e.kind FROM events e JOIN users u ON u.id = e.user_id WHERE e.kind = 'click' ORDER BY e.id LIMIT 10;\n");
        }
        return text.ToString();
    }

    private static async Task Once(string label, string server, string text, object settings, int settleSeconds)
    {
        const string uri = "file:///tmp/dbagent-large-bench/dump.sql";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(server);
        info.ArgumentList.Add("lsp");
        foreach (var variable in new[] { "DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD" }) info.Environment.Remove(variable);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dbagent.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var formatter = new SystemTextJsonFormatter();
        LanguageServerHost.ConfigureSerializer(formatter.JsonSerializerOptions);
        using var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
        var client = new Client(JsonSerializer.SerializeToElement(settings));
        rpc.AddLocalRpcTarget(client, new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        rpc.StartListening();

        await rpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new
        {
            processId = Environment.ProcessId, rootUri = (string?)null,
            capabilities = new { workspace = new { configuration = true } },
        });
        await rpc.NotifyWithParameterObjectAsync("initialized", new { });
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (baseline, _) = LspProcess.ReadStatus(process.Id);

        var first = client.Next(uri, nonEmpty: true);
        var clock = Stopwatch.StartNew();
        await rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "sql", version = 1, text } });
        var published = await first.WaitAsync(TimeSpan.FromMinutes(15));
        var seconds = clock.Elapsed.TotalSeconds;
        var (open, _) = LspProcess.ReadStatus(process.Id);

        var cleared = client.Next(uri, nonEmpty: false);
        await rpc.NotifyWithParameterObjectAsync("textDocument/didClose", new { textDocument = new { uri } });
        await cleared.WaitAsync(TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        var (closed, peak) = LspProcess.ReadStatus(process.Id);

        Console.WriteLine($"{label}: first diagnostics after {seconds:F1} s ({published.Count} diagnostics, {published.Limited} analysis-limited)");
        Console.WriteLine($"  resident memory: {baseline:F0} MiB before open, {open:F0} MiB open, peak {peak:F0} MiB, {closed:F0} MiB {settleSeconds} s after close");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await rpc.InvokeWithParameterObjectAsync<JsonElement>("shutdown", new { }, timeout.Token);
            await rpc.NotifyAsync("exit");
        }
        catch (Exception e) when (e is OperationCanceledException or RemoteInvocationException or ConnectionLostException)
        {
        }
        if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private sealed record Published(int Count, int Limited);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "JSON-RPC target methods: StreamJsonRpc binds the target instance's methods")]
    private sealed class Client(JsonElement settings)
    {
        private readonly Lock _gate = new();
        private readonly List<(string Uri, bool NonEmpty, TaskCompletionSource<Published> Done)> _waiting = [];

        public Task<Published> Next(string uri, bool nonEmpty)
        {
            var done = new TaskCompletionSource<Published>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate) _waiting.Add((uri, nonEmpty, done));
            return done.Task;
        }

        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JsonElement parameters)
        {
            var uri = parameters.GetProperty("uri").GetString();
            var diagnostics = parameters.GetProperty("diagnostics");
            var limited = diagnostics.EnumerateArray().Count(d => d.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "analysis-limited");
            var published = new Published(diagnostics.GetArrayLength(), limited);
            lock (_gate)
            {
                foreach (var w in _waiting.Where(w => w.Uri == uri && w.NonEmpty == published.Count > 0).ToList())
                {
                    _waiting.Remove(w);
                    w.Done.TrySetResult(published);
                }
            }
        }

        [JsonRpcMethod("workspace/configuration", UseSingleObjectParameterDeserialization = true)]
        public JsonElement[] Configuration(JsonElement parameters) =>
            parameters.GetProperty("items").EnumerateArray().Select(_ => settings).ToArray();

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void Log(JsonElement parameters)
        {
        }

        [JsonRpcMethod("dbagent/connectionStatus", UseSingleObjectParameterDeserialization = true)]
        public void Status(JsonElement parameters)
        {
        }

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? Register(JsonElement parameters) => null;

        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? Progress(JsonElement parameters) => null;
    }
}
