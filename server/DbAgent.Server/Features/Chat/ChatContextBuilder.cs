using System.Text.Json;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Models;
using DbAgent.Databases;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// Builds the <see cref="ChatContext"/> of a request from immutable snapshots: the active document with its findings
/// and selection, the schema replayed from the open documents' DDL, and the model settings.
/// </summary>
internal sealed class ChatContextBuilder(LanguageServerContext server)
{
    private static readonly TimeSpan ClientAnswerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a chat request waits for the settings to be first read.</summary>
    private static readonly TimeSpan SettingsWait = TimeSpan.FromSeconds(5);

    public async Task<ChatContext> BuildAsync(ChatParams parameters, CancellationToken cancellationToken, bool withModel = true)
    {
        // The settings name the connection whose password the chat masks: a question sent right after start-up must
        // not be answered on defaults, which know no connection (and so no password to mask).
        try
        {
            await server.Configuration.Loaded.WaitAsync(SettingsWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            server.Log.Warning($"The settings were not read within {SettingsWait.TotalSeconds:F0} s; the chat goes on with those known.");
        }
        ChatDocument? document = null;
        if (parameters.Document?.Uri is { Length: > 0 } uri &&
            await server.Documents.GetAsync(uri, cancellationToken).ConfigureAwait(false) is { } snapshot)
        {
            document = new ChatDocument(snapshot.Uri, snapshot.Script)
            {
                Findings = FindingsOf(snapshot, cancellationToken),
                Selection = SelectionIn(snapshot, parameters.Selection),
            };
        }
        var (session, connectionName, connectionProblem) = await SessionAsync(document?.Uri ?? NoDocumentUri, cancellationToken).ConfigureAwait(false);

        // The workspace's migrations first (replayed in their tool's order); else the live catalog; else the DDL of the open documents.
        var workspace = await WorkspaceSchemaAsync(cancellationToken).ConfigureAwait(false);
        SchemaModel? schema;
        string? source;
        if (workspace is { Schema.Tables.Count: > 0 }) (schema, source) = (workspace.Schema, workspace.Source);
        else if (session is not null && await LiveCatalogAsync(document?.Uri ?? NoDocumentUri, cancellationToken).ConfigureAwait(false) is { } live)
            (schema, source) = (live, $"the live catalog of {connectionName}");
        else (schema, source) = ReplaySchema(document, cancellationToken);
        var model = withModel ? await ModelSettingsAsync(document?.Uri, cancellationToken).ConfigureAwait(false) : null;
        var secrets = new List<string>();
        if (model?.ApiKey is { Length: > 0 } apiKey) secrets.Add(apiKey);
        // The document's password, even before any connection attempt has fetched it: the user may paste it in a question.
        if (server.Connections.For(document?.Uri ?? NoDocumentUri) is { Engine: not DatabaseEngine.Sqlite } target)
        {
            if (target.Password is { Length: > 0 } configured) secrets.Add(configured);
            else if (await server.Connections.PasswordForAsync(target, cancellationToken).ConfigureAwait(false) is { Length: > 0 } stored) secrets.Add(stored);
        }
        var known = server.Documents.OpenDocuments.ToList();
        if (workspace is not null) known.AddRange(workspace.MigrationUris);
        var editorModel = withModel && parameters.Model is { } info && parameters.PartialResultToken is { Length: > 0 } chatToken
            ? new LspEditorModel(server.Client, server.ModelText, chatToken, info) : null;
        return new ChatContext
        {
            Document = document, Schema = schema, SchemaSource = source, Model = model,
            EditorModel = editorModel,
            References = (parameters.References ?? []).Where(r => r is not null).Take(20).Select(r => new ChatReference(r.Name ?? r.Uri ?? "attachment")
            {
                Uri = r.Uri,
                Range = r.Range is { } range ? new LineSpan(new LinePosition(range.Start.Line, range.Start.Character), new LinePosition(range.End.Line, range.End.Character)) : null,
                Text = r.Text,
            }).ToList(),
            Secrets = secrets,
            LiveSecrets = server.Connections.Manager.KnownSecrets,
            KnownFiles = known.Distinct(StringComparer.Ordinal).ToList(),
            Files = new WorkspaceToolDocuments(server),
            Session = session,
            ConnectionName = connectionName,
            ConnectionProblem = connectionProblem,
            QueryOptions = server.Configuration.For(document?.Uri).Plans.QueryOptions(),
        };
    }

    /// <summary>A URI for "no document": the first connection that names no folders still applies to it.</summary>
    private const string NoDocumentUri = "untitled:chat";

    /// <summary>
    /// The document's database for this answer: a session that borrows the shared connection per call, or, when the
    /// connection is configured but does not answer, its name and the one clear reason.
    /// </summary>
    private async Task<(IDatabaseSession? Session, string? Name, string? Problem)> SessionAsync(string uri, CancellationToken cancellationToken)
    {
        if (server.Connections.For(uri) is not { } target) return (null, null, null);
        try
        {
            var probe = await server.Connections.UseAsync(uri, (session, _) => Task.FromResult((session.ServerInfo, session.Capabilities)), cancellationToken).ConfigureAwait(false);
            if (probe is null) return (null, null, null);
            if (probe.Failure is { } failure) return (null, target.Name, failure.Message);
            return (new ChatDatabaseSession(server.Connections, uri, probe.Value.ServerInfo, probe.Value.Capabilities), target.Name, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            server.Log.Warning($"The chat could not use connection {target.Name} ({e.GetType().Name}).");
            return (null, target.Name, "it could not be opened; the output channel has the details");
        }
    }

    /// <summary>The live catalog of the document's database (cached by the connection manager), when it has tables.</summary>
    private async Task<SchemaModel?> LiveCatalogAsync(string uri, CancellationToken cancellationToken)
    {
        try
        {
            var catalog = await server.Connections.CatalogAsync(uri, cancellationToken).ConfigureAwait(false);
            return catalog is { Failure: null, Value: { Tables.Count: > 0 } schema } ? schema : null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private IReadOnlyList<DbAgent.Analysis.Findings.Finding> FindingsOf(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var published = server.Diagnostics.LastPublished(snapshot.Uri);
        return published?.Version == snapshot.Version ? published.Findings : server.Diagnostics.Analyze(snapshot, cancellationToken);
    }

    private static TextSpan? SelectionIn(DocumentSnapshot snapshot, DbAgent.Server.Protocol.Range? range)
    {
        if (range is null) return null;
        var start = snapshot.Text.ToOffset(range.Start);
        var end = snapshot.Text.ToOffset(range.End);
        return TextSpan.FromBounds(Math.Min(start, end), Math.Max(start, end));
    }

    private async Task<DbAgent.Server.Workspace.WorkspaceSchemaSnapshot?> WorkspaceSchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await server.Schema.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            server.Log.Warning($"The chat could not read the workspace schema ({e.GetType().Name}); using the open documents.");
            return null;
        }
    }

    /// <summary>
    /// The schema from the DDL of the open documents of the active document's dialect, replayed in file-name order
    /// (migration tools name files so that this is their order). Null when none creates a table.
    /// </summary>
    private (SchemaModel?, string?) ReplaySchema(ChatDocument? active, CancellationToken cancellationToken)
    {
        var snapshots = server.Documents.OpenDocuments.Select(server.Documents.TryGet).OfType<DocumentSnapshot>()
            .Where(s => active is null || s.Dialect == active.Dialect)
            .Where(s => s.Script.Statements.Any(st => st.Model.Ddl.OfType<CreateTableAction>().Any()))
            .OrderBy(s => s.Uri, StringComparer.Ordinal)
            .ToList();
        if (snapshots.Count == 0) return (null, null);
        var schema = new SchemaModel(active?.Dialect ?? snapshots[0].Dialect);
        var replayer = new SchemaReplayer(schema);
        foreach (var snapshot in snapshots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            replayer.Apply(snapshot.Script, snapshot.Uri);
        }
        return (schema, snapshots.Count == 1 ? $"the DDL of `{Name(snapshots[0].Uri)}`" : $"the DDL of {snapshots.Count} open files");
    }

    private static string Name(string uri) => uri[(uri.LastIndexOf('/') + 1)..];

    /// <summary>`dbagent.model.endpoint` and `dbagent.model.name`, pulled fresh (they are not part of the analysis settings).</summary>
    private async Task<ModelSettings?> ModelSettingsAsync(string? scopeUri, CancellationToken cancellationToken)
    {
        if (!server.Configuration.ClientSupportsPull) return null;
        JsonElement section;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ClientAnswerTimeout);
            var answer = await server.Client.RequestAsync<JsonElement[]>(Methods.Configuration,
                new ConfigurationParams([new ConfigurationItem { ScopeUri = scopeUri, Section = WorkspaceConfiguration.Section }]), timeout.Token).ConfigureAwait(false);
            if (answer is not { Length: > 0 }) return null;
            section = answer[0];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            server.Log.Warning($"Could not read the dbagent.model settings ({e.GetType().Name}); answering without a model.");
            return null;
        }
        var settings = ChatModelSettings.FromSection(section);
        if (!settings.IsConfigured) return settings;
        return settings with { ApiKey = await ApiKeyAsync(cancellationToken).ConfigureAwait(false) };
    }

    private async Task<string?> ApiKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ClientAnswerTimeout);
            var answer = await server.Client.RequestAsync<JsonElement>(CustomMethods.ModelApiKey, new { }, timeout.Token).ConfigureAwait(false);
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("apiKey", out var key) && key.ValueKind == JsonValueKind.String && key.GetString() is { Length: > 0 } value)
                return value;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // A client without the request (or without a stored key) falls back to the environment.
        }
        return Environment.GetEnvironmentVariable(ModelSettings.ApiKeyVariable) is { Length: > 0 } env ? env : null;
    }
}

/// <summary>Reads `model` of the `dbagent` section: nested (`model.endpoint`) or flat dotted keys.</summary>
internal static class ChatModelSettings
{
    public static ModelSettings FromSection(JsonElement section)
    {
        if (section.ValueKind != JsonValueKind.Object) return new ModelSettings();
        if (section.TryGetProperty("dbagent", out var inner) && inner.ValueKind == JsonValueKind.Object) section = inner;
        string? Read(string name)
        {
            if (section.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object &&
                model.TryGetProperty(name, out var nested) && nested.ValueKind == JsonValueKind.String)
                return nested.GetString();
            return section.TryGetProperty("model." + name, out var flat) && flat.ValueKind == JsonValueKind.String ? flat.GetString() : null;
        }
        return new ModelSettings { Endpoint = Read("endpoint")?.Trim() is { Length: > 0 } e ? e : null, Name = Read("name")?.Trim() is { Length: > 0 } n ? n : null };
    }
}
