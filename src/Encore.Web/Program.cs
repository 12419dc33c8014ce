using Encore.Catalog;
using Encore.Identity;
using Encore.Inventory;
using Encore.WaitingRoom;
using Encore.Web.Components;
using Encore.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddEncoreDefaults();
builder.Services.AddIdentityModule(builder.Configuration);
builder.Services.AddCatalog(builder.Configuration);
builder.Services.AddInventory(builder.Configuration);
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
await app.SeedDemoDataAsync(force: false);

app.UseEncoreDefaults();
// The waiting room's live line (SSE is the fallback where WebSockets do not get through).
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapIdentityModule();
app.MapCatalog();
app.MapInventory();
app.MapWaitingRoom();
app.MapEncorePages();
app.MapRazorComponents<App>().AllowFrameworkEndpointsAnonymous();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
