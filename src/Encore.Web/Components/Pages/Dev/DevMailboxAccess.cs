using Encore.BuildingBlocks.Email;

namespace Encore.Web.Components.Pages.Dev;

internal static class DevMailboxAccess
{
    /// <summary>
    /// The mailbox page shows password reset links to anyone, so it exists only where mail is kept
    /// in memory (no SMTP configured) and never in the Production environment, where a forgotten
    /// SMTP setting must not turn into an account takeover.
    /// </summary>
    public static DevelopmentMailbox? Mailbox(IServiceProvider services, IWebHostEnvironment environment) =>
        environment.IsProduction() ? null : services.GetService<DevelopmentMailbox>();
}
