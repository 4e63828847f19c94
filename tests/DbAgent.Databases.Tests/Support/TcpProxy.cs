using System.Net;
using System.Net.Sockets;

namespace DbAgent.Databases.Tests.Support;

/// <summary>
/// Forwards a local port to a database server, and can be stopped (every connection cut, as when the server goes
/// down) and started again on the same port (the server comes back).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _upstream;
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;
    private readonly List<TcpClient> _clients = [];

    public TcpProxy(string host, int port)
    {
        _upstream = new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Start()
    {
        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoop(_listener, _cts.Token);
    }

    public void Stop()
    {
        _cts?.Cancel();
        _listener?.Stop();
        lock (_clients)
        {
            foreach (var c in _clients)
            {
                try
                {
                    // Reset rather than close gracefully: the client sees the connection die, as when a server stops.
                    if (c.Client is { } socket)
                        socket.LingerState = new LingerOption(true, 0);
                    c.Close();
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
            }
            _clients.Clear();
        }
    }

    private async Task AcceptLoop(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_upstream, ct);
            }
            catch (Exception)
            {
                inbound.Close();
                continue;
            }
            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
            }
            _ = Pump(inbound, outbound, ct);
            _ = Pump(outbound, inbound, ct);
        }
    }

    private static async Task Pump(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), ct);
        }
        catch (Exception)
        {
            // a side closed: close both
        }
        try { from.Close(); to.Close(); } catch (ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
