using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Encore.Tests.Infrastructure;

/// <summary>A real SMTP server on a free loopback port that keeps what it receives.</summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Channel<MimeMessage> received = Channel.CreateUnbounded<MimeMessage>();
    readonly Task running;

    public int Port { get; }

    FakeSmtpServer()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(received.Writer));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    public static async Task<FakeSmtpServer> StartAsync()
    {
        var server = new FakeSmtpServer();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, server.Port);
                return server;
            }
            catch (SocketException) { await Task.Delay(20); }
        }
        throw new InvalidOperationException("the fake SMTP server did not listen");
    }

    /// <summary>The next message the server accepted, or a failure after a generous wait.</summary>
    public async Task<MimeMessage> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await received.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; } catch (OperationCanceledException) { }
        stop.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    sealed class Store(ChannelWriter<MimeMessage> writer) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            await writer.WriteAsync(message, cancellationToken);
            return SmtpResponse.Ok;
        }
    }
}
