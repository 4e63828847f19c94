using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Connections;

/// <summary>`dbagent/testConnection`: opens the given connection once and says whether it answers, and which version.</summary>
[LspHandler(mutatesState: false)]
public sealed class TestConnectionHandler(LanguageServerContext context)
{
    [JsonRpcMethod(CustomMethods.TestConnection, UseSingleObjectParameterDeserialization = true)]
    public async Task<TestConnectionResult> TestConnectionAsync(TestConnectionParams parameters, CancellationToken cancellationToken)
    {
        if (ConnectionSettings.FromJson(parameters.Connection) is not { } settings)
            return new TestConnectionResult(false, "The connection must be an object as in dbagent.connections.", null);
        DbAgent.Databases.ConnectionTarget target;
        try
        {
            target = ConnectionResolver.Anchor(ConnectionTargetParser.FromSettings(settings), context.State.WorkspaceFolders);
        }
        catch (ConnectionConfigurationException e)
        {
            return new TestConnectionResult(false, e.Message, null);
        }
        // The password is the one SecretStorage holds for this name (a new connection is tested before it is saved).
        if (target.Password is null && target.Engine != DbAgent.Databases.DatabaseEngine.Sqlite)
            target = target with { Password = await context.Connections.PasswordForAsync(target, cancellationToken).ConfigureAwait(false) };
        var (ok, message, version) = await context.Connections.Manager.TestAsync(target, cancellationToken).ConfigureAwait(false);
        context.Connections.Manager.ForgetPassword(target.Name);
        return new TestConnectionResult(ok, message, version);
    }
}
