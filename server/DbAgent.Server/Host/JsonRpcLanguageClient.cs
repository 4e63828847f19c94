using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Host;

/// <summary><see cref="ILanguageClient"/> over the server's JSON-RPC connection, always with named (object) parameters as LSP requires.</summary>
internal sealed class JsonRpcLanguageClient(JsonRpc rpc) : ILanguageClient
{
    public Task NotifyAsync(string method, object? parameters) =>
        parameters is null ? rpc.NotifyAsync(method) : rpc.NotifyWithParameterObjectAsync(method, parameters);

    public Task<T?> RequestAsync<T>(string method, object? parameters, CancellationToken cancellationToken) =>
        rpc.InvokeWithParameterObjectAsync<T?>(method, parameters, cancellationToken);

    public Task ReportProgressAsync<T>(string token, T value) =>
        rpc.NotifyWithParameterObjectAsync(Methods.Progress, new ProgressParams<T>(token, value));
}
