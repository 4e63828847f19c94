namespace DbAgent.Databases;

/// <summary>
/// A configured database: from settings, DATABASE_URL and the engines' environment variables, or the command line.
/// The password is held only in memory (it comes from SecretStorage or the environment) and is never printed.
/// </summary>
public sealed record ConnectionTarget(string Name, DatabaseEngine Engine)
{
    public string? Host { get; init; }
    public int? Port { get; init; }
    public string? Database { get; init; }
    public string? User { get; init; }
    /// <summary>The engine's ADO.NET connection string or a URL; may carry a password, so never log it.</summary>
    public string? ConnectionString { get; init; }
    public bool ReadOnly { get; init; } = true;
    /// <summary>Workspace folders or files that use this connection (empty: every SQL file, when it is the only one).</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    /// <summary>Driver options that came with a URL's query (sslmode=require ...), applied through the driver's builder.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Kept out of ToString, records' printing and logs.</summary>
    public string? Password { get; init; }

    public override string ToString() => $"{Name} ({Engine}{(Host is null ? "" : $" {Host}")}{(Database is null ? "" : $"/{Database}")})";
}
