using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Encore.Tests.Hosting;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Metrics_expose_http_server_requests_in_prometheus_text()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        // The server records a request's duration as the request ends, which may be just after
        // the client has its response: scrape again until it shows (bounded).
        string body = "";
        for (var i = 0; i < 50 && !body.Contains("http_route=\"/healthz\"", StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(100);
            using var metrics = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
            body = await metrics.Content.ReadAsStringAsync();
        }

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", body);
        Assert.Contains(body.Split('\n'), line =>
            line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) &&
            line.Contains("http_route=\"/healthz\"", StringComparison.Ordinal) &&
            line.Contains("http_response_status_code=\"200\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_instance_whose_Redis_is_down_starts_live_but_not_ready()
    {
        // A port nobody listens on: the instance must come up and say it is not ready, so a load
        // balancer keeps traffic away until Redis is back, instead of crash-looping.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var app = EncoreAppFactory.Sqlite().With("ConnectionStrings:Redis", $"127.0.0.1:{closedPort},connectTimeout=500");
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task A_log_line_is_json_carrying_the_request_s_trace_id()
    {
        var capture = new CapturedLines();
        await using var factory = EncoreAppFactory.Sqlite().With("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information");
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureLogging(logging =>
            logging.Services.AddSingleton<ILoggerProvider>(sp => new FormattingProvider(
                sp.GetServices<ConsoleFormatter>().Single(f => f.Name == sp.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName),
                capture))));
        var client = app.CreateClient();

        Assert.Equal(ConsoleFormatterNames.Json, app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        using var response = await client.GetAsync("/api/no-such-thing");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var traceId = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["traceId"];
        Assert.False(string.IsNullOrEmpty(traceId));

        var line = capture.Lines.FirstOrDefault(l => l.Contains("/api/no-such-thing", StringComparison.Ordinal) && l.Contains("Request starting", StringComparison.Ordinal));
        Assert.NotNull(line);
        var json = JsonNode.Parse(line)!;
        Assert.Equal("Information", (string?)json["LogLevel"]);
        Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", (string?)json["Category"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", (string?)json["Timestamp"]);
        Assert.Contains(json["Scopes"]!.AsArray(), scope => (string?)scope?["TraceId"] == traceId);
    }

    sealed class CapturedLines
    {
        public ConcurrentQueue<string> Lines { get; } = new();
    }

    /// <summary>Writes each entry with the app's own console formatter, scopes included, into memory.</summary>
    sealed class FormattingProvider(ConsoleFormatter consoleFormatter, CapturedLines capturedLines) : ILoggerProvider, ISupportExternalScope
    {
        readonly ConsoleFormatter formatter = consoleFormatter;
        readonly CapturedLines capture = capturedLines;
        IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

        public void Dispose() { }

        sealed class Logger(FormattingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                using var writer = new StringWriter();
                provider.formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider.scopes, writer);
                foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    provider.capture.Lines.Enqueue(line);
            }
        }
    }
}
