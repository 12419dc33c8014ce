using Encore.Catalog;
using Encore.Identity;
using Encore.Inventory;
using Encore.Ledger;
using Encore.Orders;
using Encore.Payments;
using Encore.Tax;
using Encore.Tickets;
using Encore.WaitingRoom;
using Encore.Web.Components;
using Encore.Web.Gateway;
using Encore.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddEncoreDefaults();
builder.Services.AddIdentityModule(builder.Configuration);
builder.Services.AddCatalog(builder.Configuration);
builder.Services.AddInventory(builder.Configuration);
builder.Services.AddLedger(builder.Configuration);
builder.Services.AddPayments(builder.Configuration);
builder.Services.AddTax(builder.Configuration);
builder.Services.AddOrders(builder.Configuration);
builder.Services.AddTickets(builder.Configuration);
builder.Services.AddWaitingRoom(builder.Configuration);
builder.Services.AddRazorComponents();

var app = builder.Build();

await app.MigrateModuleDatabasesAsync();
if (args.Contains("seed-demo"))
{
    // `dotnet run --project src/Encore.Web -- seed-demo` loads the demo data into whatever
    // database is configured (PostgreSQL included) and exits.
    await app.SeedDemoDataAsync(force: true);
    return;
}
if (args.Contains("reconcile"))
{
    // `dotnet run --project src/Encore.Web -- reconcile` checks the journal against itself (and,
    // as modules add their checks, against orders and the gateway); non-zero on any difference.
    Environment.ExitCode = await Reconciliation.RunAsync(app.Services, Console.Out, CancellationToken.None);
    return;
}
if (args.Contains("bench-buyers"))
{
    // Benchmarks only (docs/simulator.md): simulated buyer accounts and their bearer tokens,
    // refused in Production and unless Encore:Bench:MintSessions=true.
    Environment.ExitCode = await BenchBuyersCommand.RunAsync(app, args, CancellationToken.None);
    return;
}
await app.SeedDemoDataAsync(force: false);

app.UseEncoreDefaults();
// The waiting room's live line (SSE is the fallback where WebSockets do not get through).
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapIdentityModule();
app.MapCatalog();
app.MapInventory();
app.MapWaitingRoom();
app.MapGateway();
app.MapLedger();
app.MapPayments();
app.MapTax();
app.MapOrders();
app.MapOrderInvoices();
app.MapDeadLetters();
app.MapTickets();
app.MapEncorePages();
app.MapRazorComponents<App>().AllowFrameworkEndpointsAnonymous();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
