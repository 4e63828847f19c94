using DbAgent.Server.Protocol;
using Microsoft.Extensions.Logging;

namespace DbAgent.Server.Host;

/// <summary>
/// Logs to the client's output channel through window/logMessage (stdout is the protocol, so nothing else may write
/// there). Messages are for people: never pass a connection string or password into them.
/// </summary>
public sealed class ServerLogger(ILanguageClient? client, LogLevel minimum = LogLevel.Information) : ILogger
{
    public void Error(string message) => Log(LogLevel.Error, message);
    public void Warning(string message) => Log(LogLevel.Warning, message);
    public void Info(string message) => Log(LogLevel.Information, message);
    public void Debug(string message) => Log(LogLevel.Debug, message);

    public void Log(LogLevel level, string message)
    {
        if (!IsEnabled(level)) return;
        var type = level switch
        {
            LogLevel.Critical or LogLevel.Error => MessageType.Error,
            LogLevel.Warning => MessageType.Warning,
            LogLevel.Information => MessageType.Info,
            _ => MessageType.Log,
        };
        if (client is null)
        {
            Console.Error.WriteLine($"[{type}] {message}");
            return;
        }
        // Fire and forget: a log line must never block or fail the work that writes it.
        _ = client.NotifyAsync(Methods.LogMessage, new LogMessageParams(type, message)).ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception);
        if (exception is not null) text += $" ({exception.GetType().Name}: {exception.Message})";
        Log(logLevel, text);
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;
}
