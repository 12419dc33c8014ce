using Encore.Catalog;
using Encore.Identity;
using Encore.Inventory;
using Encore.Web.Components;
using Encore.Web.Gateway;
using Encore.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddEncoreDefaults();
builder.Services.AddIdentityModule(builder.Configuration);
builder.Services.AddCatalog(builder.Configuration);
builder.Services.AddInventory(builder.Configuration);
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
app.MapIdentityModule();
app.MapCatalog();
app.MapInventory();
app.MapGateway();
app.MapEncorePages();
app.MapRazorComponents<App>().AllowFrameworkEndpointsAnonymous();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
