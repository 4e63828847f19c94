using DbAgent.Agent.Chat;
using DbAgent.Sql;

namespace DbAgent.Agent.Chat;

/// <summary>The plain sentences the chat uses when something needs configuring.</summary>
public static class Guidance
{
    public static string EngineName(DbAgent.Sql.SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => "postgres",
        SqlDialect.MySql => "mysql",
        SqlDialect.TSql => "sqlserver",
        _ => "sqlite",
    };

    /// <summary>Why there is no database session, and how to get one.</summary>
    public static string ConnectionNeeded(ChatContext context, string what)
    {
        if (context.ConnectionName is { } name)
            return $"{what} needs a live connection, and connection **{name}** is not usable right now" +
                   (context.ConnectionProblem is { } problem ? $": {problem}" : ".") +
                   " Check it with the command **DbAgent: Test Connection**.\n";
        var engine = EngineName(context.Dialect ?? SqlDialect.Postgres);
        var example = engine == "sqlite"
            ? "{ \"name\": \"local\", \"engine\": \"sqlite\", \"database\": \"./app.db\" }"
            : $"{{ \"name\": \"dev\", \"engine\": \"{engine}\", \"host\": \"localhost\", \"database\": \"app\", \"user\": \"app\" }}";
        return $"{what} needs a connection to the database, and none is configured for this file. " +
               "Add one with the command **DbAgent: Add Connection**, or in settings:\n\n" +
               $"```json\n\"dbagent.connections\": [ {example} ]\n```\n\n" +
               "The password is kept in VS Code's SecretStorage, never in settings. " +
               "`DATABASE_URL` or the engine's usual environment variables (`PGHOST`, ...) work too.\n";
    }

    public const string ModelNotConfigured =
        "No language model is configured, so I answer from the analysis tools alone. In VS Code, @database-expert thinks " +
        "with the model picked in the chat's model picker (Copilot or any installed provider); this request came without one. " +
        "Outside VS Code, or to use a model of your own, point DbAgent at an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, " +
        "Ollama, LM Studio) in settings:\n\n" +
        "```json\n\"dbagent.model.endpoint\": \"http://localhost:11434/v1\",\n\"dbagent.model.name\": \"llama3.1\"\n```\n\n" +
        "and store its API key (if it needs one) with the command **DbAgent: Set Model API Key**, which keeps it in " +
        "VS Code's SecretStorage. The slash commands (`/review`, `/explain`, `/indexes`, `/optimize`, `/schema`, " +
        "`/migrations`, `/stats`, `/backup`, `/scaling`) always work without a model.\n";

    public const string NoDocument =
        "There is no SQL file open. Open one (or select a statement in it) and ask again.\n";
}
