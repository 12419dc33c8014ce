using System.Net;
using System.Net.Sockets;

namespace Encore.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder in front of a real server (PostgreSQL, say) that a test can cut, as a
/// network partition or a server crash would: every open connection is reset and new ones are
/// refused until <see cref="Restore"/>.
/// </summary>
public sealed class CuttableTcpProxy : IAsyncDisposable
{
    readonly int targetPort;
    readonly HashSet<TcpClient> open = [];
    TcpListener? listener;
    CancellationTokenSource cut = new();

    public int Port { get; }

    public CuttableTcpProxy(int targetPort)
    {
        this.targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public void Restore()
    {
        cut = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, cut.Token);
    }

    public void Cut()
    {
        cut.Cancel();
        listener?.Stop();
        lock (open)
        {
            foreach (var client in open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, not a polite FIN
                client.Dispose();
            }
            open.Clear();
        }
    }

    async Task AcceptAsync(TcpListener server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await server.AcceptTcpClientAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            var outbound = new TcpClient();
            try { await outbound.ConnectAsync(IPAddress.Loopback, targetPort, ct); }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (open) { open.Add(inbound); open.Add(outbound); }
            _ = PumpAsync(inbound, outbound, ct);
            _ = PumpAsync(outbound, inbound, ct);
        }
    }

    async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream(), ct); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or SocketException) { }
        finally
        {
            lock (open)
            {
                // The other direction's pump may have ended first; either closes both.
                if (open.Remove(from) | open.Remove(to))
                {
                    from.Dispose();
                    to.Dispose();
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
