namespace DbAgent.Server.Host;

/// <summary>
/// What the server may say to the client: notifications, reverse requests (workspace/configuration,
/// dbagent/connectionPassword) and `$/progress` parts. Features talk to the client only through this.
/// </summary>
public interface ILanguageClient
{
    Task NotifyAsync(string method, object? parameters);

    Task<T?> RequestAsync<T>(string method, object? parameters, CancellationToken cancellationToken);

    /// <summary>Sends one `$/progress` part for a partialResultToken or workDoneToken.</summary>
    Task ReportProgressAsync<T>(string token, T value);
}
