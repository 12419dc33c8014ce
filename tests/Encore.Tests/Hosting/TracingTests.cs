using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Encore.Tests.Hosting;

/// <summary>
/// Traces reach an OpenTelemetry collector over OTLP/HTTP when the standard variables name one, and
/// are not recorded at all when none does. The collector here is a fake of OTLP/HTTP's one endpoint
/// on loopback; protobuf keeps strings and trace ids as plain bytes, so the exported batches are
/// searched for them.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_request_s_span_reaches_the_collector_under_the_caller_s_trace_and_probes_are_left_out()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var app = Traced(EncoreAppFactory.Sqlite(), collector);
        var client = app.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        using var ping = new HttpRequestMessage(HttpMethod.Get, "/api/ping");
        ping.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ping)).StatusCode);

        var batch = await collector.WaitForAsync(Bytes(traceId));
        Assert.Equal("/v1/traces", batch.Path);
        Assert.Equal("application/x-protobuf", batch.ContentType);
        Assert.True(Contains(batch.Body, "GET /api/ping"u8), "the span is named after the route");
        Assert.True(Contains(batch.Body, "encore"u8), "the resource names the service");
        // The probe ended before the ping began, so it would have been exported no later than the ping.
        Assert.DoesNotContain(collector.Batches, b => Contains(b.Body, "/healthz"u8));
    }

    [Fact]
    public async Task On_postgres_the_database_commands_are_spans_of_the_request_that_sent_them()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var app = Traced(EncoreAppFactory.Postgres(), collector);
        var client = app.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();

        using var events = new HttpRequestMessage(HttpMethod.Get, "/api/events/");
        events.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(events)).StatusCode);

        // Npgsql's spans carry the request's trace id: they are children of the request's span.
        var batch = await collector.WaitForAsync(Bytes(traceId), "Npgsql"u8.ToArray(), "postgresql"u8.ToArray());
        Assert.Equal("/v1/traces", batch.Path);
    }

    [Fact]
    public async Task Without_a_collector_no_tracer_records_anything()
    {
        await using var app = EncoreAppFactory.Sqlite();
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/ping")).StatusCode);

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    static EncoreAppFactory Traced(EncoreAppFactory app, FakeOtlpCollector collector) => app
        .With("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Address.ToString())
        .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        // Export every 100 ms rather than every 5 s, so the test does not wait long.
        .With("OTEL_BSP_SCHEDULE_DELAY", "100");

    static byte[] Bytes(ActivityTraceId id)
    {
        var bytes = new byte[16];
        id.CopyTo(bytes);
        return bytes;
    }

    static bool Contains(byte[] body, ReadOnlySpan<byte> part) => body.AsSpan().IndexOf(part) >= 0;

    sealed record Export(string Path, string? ContentType, byte[] Body);

    /// <summary>OTLP/HTTP's trace endpoint: takes a protobuf batch and answers 200, as a collector does.</summary>
    sealed class FakeOtlpCollector(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;
        public ConcurrentQueue<Export> Batches { get; } = new();

        public static async Task<FakeOtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = default(FakeOtlpCollector);
            app.MapPost("/v1/traces", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                collector!.Batches.Enqueue(new Export(http.Request.Path, http.Request.ContentType, body.ToArray()));
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            collector = new FakeOtlpCollector(app, new Uri(address));
            return collector;
        }

        /// <summary>The first batch holding every part given; fails after 20 s.</summary>
        public async Task<Export> WaitForAsync(params byte[][] parts)
        {
            for (var i = 0; i < 200; i++)
            {
                if (Batches.FirstOrDefault(b => parts.All(p => Contains(b.Body, p))) is { } found) return found;
                await Task.Delay(100);
            }
            throw new TimeoutException($"No exported batch held all of: {string.Join(", ", parts.Select(Encoding.UTF8.GetString))}.");
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
