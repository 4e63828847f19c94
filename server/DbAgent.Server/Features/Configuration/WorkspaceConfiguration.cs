using System.Collections.Concurrent;
using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Settings;

namespace DbAgent.Server.Features.Configuration;

/// <summary>
/// The `dbagent` settings the client holds: pulled with workspace/configuration on initialized and after each
/// didChangeConfiguration, globally and per document (`dbagent.dialect` is resource scoped, so a folder may differ).
/// </summary>
public sealed class WorkspaceConfiguration(ILanguageClient client, ServerState state, ServerLogger log)
{
    public const string Section = "dbagent";

    private readonly ConcurrentDictionary<string, DbAgentSettings> _byDocument = new(StringComparer.Ordinal);
    private volatile DbAgentSettings _global = DbAgentSettings.Default;
    /// <summary>What the last pull answered, so that an unchanged answer does not re-analyse every document.</summary>
    private string _signature = "";

    /// <summary>Raised after settings changed (pulled or pushed); documents are re-analysed on it.</summary>
    public event Action? Changed;

    public DbAgentSettings Global => _global;

    /// <summary>The project's <c>dbagent.json</c> files, shared with nothing else so that a saved change is seen at once.</summary>
    public ProjectConfigs Projects { get; } = new();

    /// <summary>Merged settings per document, kept while neither side changes: the lint cache keys on the instance.</summary>
    private readonly ConcurrentDictionary<string, (DbAgentSettings Editor, ProjectConfig Config, DbAgentSettings Merged)> _merged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    /// <summary>
    /// The settings for a document: its own scope where the client answered for it, else the global ones, over the
    /// project's <c>dbagent.json</c> found upward from the file (the editor's settings win where they say something).
    /// </summary>
    public DbAgentSettings For(string? uri)
    {
        var editor = uri is not null && _byDocument.TryGetValue(uri, out var s) ? s : _global;
        if (ProjectOf(uri) is not { } config) return editor;
        if (_merged.TryGetValue(uri!, out var known) && ReferenceEquals(known.Editor, editor) && ReferenceEquals(known.Config, config)) return known.Merged;
        var merged = config.Apply(editor, Workspace.WorkspaceSchema.LocalPath(uri!)!);
        _merged[uri!] = (editor, config, merged);
        return merged;
    }

    /// <summary>True when the project's <c>ignore</c> globs cover the document: it gets no findings.</summary>
    public bool IsIgnored(string uri) => ProjectOf(uri) is { } config && config.IsIgnored(Workspace.WorkspaceSchema.LocalPath(uri)!);

    private ProjectConfig? ProjectOf(string? uri)
    {
        if (uri is null || Workspace.WorkspaceSchema.LocalPath(uri) is not { } path) return null;
        var config = Projects.For(path, out var error);
        if (error is not null && _reported.TryAdd(error, 0)) log.Warning(error);
        if (config is not null)
            foreach (var problem in config.Problems)
                if (_reported.TryAdd(config.FilePath + problem, 0)) log.Warning($"{config.FilePath}: {problem}");
        return config;
    }

    public bool ClientSupportsPull =>
        state.ClientCapabilities.ValueKind == JsonValueKind.Object &&
        state.ClientCapabilities.TryGetProperty("workspace", out var ws) && ws.ValueKind == JsonValueKind.Object &&
        ws.TryGetProperty("configuration", out var c) && c.ValueKind == JsonValueKind.True;

    /// <summary>Settings the client pushed in didChangeConfiguration (older clients do that instead of answering pulls).</summary>
    public void ApplyPushed(JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object) return;
        _global = DbAgentSettings.FromSettingsObject(settings);
        _signature = "";
        _byDocument.Clear();
        Changed?.Invoke();
        _loaded.TrySetResult();
    }

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the client's settings were first read (or could not be, or the client pushes them instead):
    /// what must not run on defaults (the chat masks the connection's password, which the settings name) waits for it.
    /// </summary>
    public Task Loaded => _loaded.Task;

    /// <summary>Pulls the global section and the section for each given document in one request.</summary>
    public async Task RefreshAsync(IReadOnlyCollection<string> documentUris, CancellationToken cancellationToken)
    {
        try
        {
            await PullAsync(documentUris, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loaded.TrySetResult();
        }
    }

    private async Task PullAsync(IReadOnlyCollection<string> documentUris, CancellationToken cancellationToken)
    {
        if (!ClientSupportsPull) return;
        var uris = documentUris.ToList();
        var items = new List<ConfigurationItem> { new() { Section = Section } };
        items.AddRange(uris.Select(u => new ConfigurationItem { ScopeUri = u, Section = Section }));
        try
        {
            var answer = await client.RequestAsync<JsonElement[]>(Methods.Configuration, new ConfigurationParams(items), cancellationToken).ConfigureAwait(false);
            if (answer is null || answer.Length == 0) return;
            var signature = Signature(answer);
            if (signature == _signature) return;
            _signature = signature;
            _global = DbAgentSettings.FromJson(answer[0]);
            _byDocument.Clear();
            for (var i = 0; i < uris.Count && i + 1 < answer.Length; i++)
                _byDocument[uris[i]] = DbAgentSettings.FromJson(answer[i + 1]);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            log.Warning($"Could not read the dbagent settings from the client ({e.GetType().Name}); using the last known ones.");
            return;
        }
        Changed?.Invoke();
    }

    /// <summary>Pulls the section scoped to one document (its folder's `dbagent.dialect`); true when it changed.</summary>
    public async Task<bool> RefreshDocumentAsync(string uri, CancellationToken cancellationToken)
    {
        if (!ClientSupportsPull) return false;
        try
        {
            var answer = await client.RequestAsync<JsonElement[]>(Methods.Configuration,
                new ConfigurationParams([new ConfigurationItem { ScopeUri = uri, Section = Section }]), cancellationToken).ConfigureAwait(false);
            if (answer is null || answer.Length == 0) return false;
            var settings = DbAgentSettings.FromJson(answer[0]);
            var before = For(uri);
            _byDocument[uri] = settings;
            return before.Dialect != settings.Dialect || !SameRules(before, settings);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            log.Warning($"Could not read the dbagent settings for a document ({e.GetType().Name}).");
            return false;
        }
    }

    /// <summary>The global answer, and each scoped one that differs from it; an empty section counts as no settings.</summary>
    private static string Signature(JsonElement[] answer)
    {
        static string Raw(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any() ? e.GetRawText() : "";
        var global = Raw(answer[0]);
        return string.Join('\u0001', answer.Skip(1).Select(Raw).Where(r => r != global).Prepend(global));
    }

    public void Forget(string uri) => _byDocument.TryRemove(uri, out _);

    /// <summary>Compares by what each rule ends up as: the rules of the catalog plus any id either side names.</summary>
    private static bool SameRules(DbAgentSettings a, DbAgentSettings b) =>
        DbAgent.Analysis.Rules.RuleCatalog.All.All(r => a.Rules.LevelOf(r.Id) == b.Rules.LevelOf(r.Id));
}
