using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Connections;

/// <summary>
/// `dbagent/parseConnection`: Add Connection's pasted connection string or URL, read by
/// <see cref="ConnectionTargetParser"/> (the parser the settings and the CLI use), so the extension parses nothing
/// itself. Pure: it opens no connection and keeps nothing.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class ParseConnectionHandler
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "a JSON-RPC target method: StreamJsonRpc binds the handler instance's methods")]
    [JsonRpcMethod(CustomMethods.ParseConnection, UseSingleObjectParameterDeserialization = true)]
    public ParseConnectionResult ParseConnection(ParseConnectionParams parameters) => Parse(parameters.Text, parameters.Engine);

    public static ParseConnectionResult Parse(string? text, string? engineName)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new ParseConnectionResult(false, "Paste a connection string or URL.", false, null, null);
        DatabaseEngine? engine = null;
        if (!string.IsNullOrWhiteSpace(engineName))
        {
            if (!ConnectionTargetParser.TryParseEngine(engineName, out var e))
                return new ParseConnectionResult(false, $"Unknown engine '{engineName}' (use postgres, mysql, sqlserver or sqlite).", false, null, null);
            engine = e;
        }
        if (engine is null && !ConnectionTargetParser.LooksLikeUrl(text) && !ConnectionTargetParser.IsSqliteFilePath(text, null)
            && ConnectionTargetParser.GuessEngine(text) is null)
            return new ParseConnectionResult(false, "The text alone does not tell the engine: choose it.", true, null, null);
        try
        {
            var (parsedEngine, connectionString, password) = ConnectionTargetParser.ForSettings(text, engine);
            return new ParseConnectionResult(true, "", false, new ParsedConnection(ConnectionTargetParser.EngineName(parsedEngine), connectionString), password);
        }
        catch (ConnectionConfigurationException e)
        {
            return new ParseConnectionResult(false, e.Message, false, null, null);
        }
    }
}
