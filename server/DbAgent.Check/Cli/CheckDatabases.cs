using DbAgent.Databases;
using DbAgent.Databases.Connections;

namespace DbAgent.Server.Cli;

/// <summary>
/// The databases `check --connection` asks for plans. `dbagent` passes <see cref="ProviderDatabases"/>, its four
/// engines' providers; the native checker (<c>dbagent-check</c>, compiled ahead of time) passes none, so the compiler
/// keeps no provider in it, and `dbagent` never hands it a run with a connection.
/// </summary>
public interface ICheckDatabases
{
    /// <summary>The target the <c>--connection</c> text names; throws <see cref="ConnectionConfigurationException"/> when it names none.</summary>
    ConnectionTarget Resolve(string connection);

    /// <summary>A session on the target, or the failure a user reads (the static checks run without plans then).</summary>
    Task<(IDatabaseSession? Session, string? Failure)> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken);
}

/// <summary>What `dbagent check --connection` uses: the connection resolver and the providers of the four engines.</summary>
public sealed class ProviderDatabases : ICheckDatabases
{
    public static ProviderDatabases Instance { get; } = new();

    public ConnectionTarget Resolve(string connection) => ConnectionResolver.Resolve(connection);

    public async Task<(IDatabaseSession? Session, string? Failure)> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return (await ProviderRegistry.Default.OpenAsync(target, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, ConnectionFailure.From(e, target).Message);
        }
    }
}
