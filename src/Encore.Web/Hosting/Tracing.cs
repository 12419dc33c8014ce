using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Encore.Web.Hosting;

/// <summary>
/// Traces go to an OpenTelemetry collector over OTLP, configured by the standard variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_TRACES_SAMPLER</c>, …).
/// Without an endpoint no span is recorded at all: one per request that nothing reads cost the hold
/// path measurable CPU (docs/PERFORMANCE.md). Log lines and problem details carry a trace id either way.
/// </summary>
internal static class Tracing
{
    public static bool Collected(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    public static OpenTelemetryBuilder WithTracingWhenCollected(this OpenTelemetryBuilder otel, IConfiguration configuration)
    {
        if (!Collected(configuration)) return otel;
        return otel.WithTracing(t => t
            // Probes and scrapes arrive every few seconds from every balancer and collector: noise in a trace store.
            .AddAspNetCoreInstrumentation(o => o.Filter = http => !LoadShedding.IsProbe(http.Request.Path))
            .AddHttpClientInstrumentation()
            // Npgsql's own source: each command a span under the request that sent it.
            .AddSource("Npgsql")
            .AddOtlpExporter());
    }
}
