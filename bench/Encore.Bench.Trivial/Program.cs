// The raw limit for the benchmarks: Kestrel answering a tiny text body with nothing else in the
// pipeline (no logging, no auth, no telemetry). Encore's /api/ping on the same machine shows what
// the app's middleware costs; the hold endpoints show what a hold costs on top of that.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/api/ping", () => Results.Text("pong"));
app.Run();
