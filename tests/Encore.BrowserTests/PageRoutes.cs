using System.Reflection;
using System.Text.RegularExpressions;
using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Encore.BrowserTests;

/// <summary>
/// Every routable Razor component of Encore.Web, read from its [Route] attributes (what @page
/// compiles to), so a page added later is tested without anyone listing it here.
/// </summary>
public sealed record PageRoute(string Template, Type Component, string? RequiredVisitor)
{
    public bool IsPublic => RequiredVisitor is null;

    /// <summary>Public pages are visited anonymously and signed in; the others by the account their policy needs.</summary>
    public bool VisitedBy(string visitor) => IsPublic ? visitor is EncoreSite.Anonymous or "buyer" : visitor == RequiredVisitor;
}

public static partial class PageRoutes
{
    /// <summary>Routes with parameters that no page links to, with the address to test them at.</summary>
    public static readonly IReadOnlyDictionary<string, string> UnlinkedSamples = new Dictionary<string, string>
    {
        ["/error/{StatusCode:int}"] = "/error/500",
        // A hold that has ended (or never existed): the live hold is checked by HoldJourneyTests.
        ["/holds/{HoldId:guid}"] = "/holds/00000000-0000-0000-0000-000000000001",
        // An event without a queue (the demo has none): the page that says so. The live queue page is walked by
        // QueueJourneyTests on an event it creates; a sample stays here so the crawl does not depend on test order.
        ["/events/{EventId:guid}/queue"] = "/events/00000000-0000-0000-0000-000000000001/queue",
        // The simulated issuer's challenge for an intent it does not know; a live challenge is walked by ThreeDSecureChallengeTests.
        ["/simulated-gateway/3ds/{IntentId}"] = "/simulated-gateway/3ds/pi_unknown",
        // Checkout of a hold that has ended, a return for an unknown order, an order that is not yours: the live
        // path (hold → checkout → pay → confirmation) is walked by CheckoutJourneyTests.
        ["/checkout/{Id:guid}"] = "/checkout/00000000-0000-0000-0000-000000000001",
        ["/checkout/{OrderId:guid}/return"] = "/checkout/00000000-0000-0000-0000-000000000001/return",
        ["/orders/{OrderId:guid}"] = "/orders/00000000-0000-0000-0000-000000000001",
        // A ticket that is not yours (the not-found page); a live ticket is walked by TicketJourneyTests.
        ["/account/tickets/{TicketId:guid}"] = "/account/tickets/00000000-0000-0000-0000-000000000001",
    };

    public static IReadOnlyList<PageRoute> All() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => new PageRoute(r.Template, t, RequiredVisitor(t))))
            .OrderBy(r => r.Template, StringComparer.Ordinal)
            .ToList();

    /// <summary>(template, visitor) pairs for the page theories.</summary>
    public static TheoryData<string, string> Visits()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in All())
        {
            if (route.IsPublic)
            {
                data.Add(route.Template, EncoreSite.Anonymous);
                data.Add(route.Template, "buyer");
            }
            else
            {
                data.Add(route.Template, route.RequiredVisitor!);
            }
        }
        return data;
    }

    static string? RequiredVisitor(Type component)
    {
        if (component.GetCustomAttribute<AllowAnonymousAttribute>() is not null) return null;
        var authorize = component.GetCustomAttributes<AuthorizeAttribute>().FirstOrDefault();
        // No attribute means the fallback policy: any signed-in account.
        if (authorize is null) return Roles.Buyer;
        if (authorize.Roles is { Length: > 0 } roles) return roles.Split(',')[0].Trim();
        return authorize.Policy switch
        {
            Policies.Organizer => Roles.Organizer,
            Policies.Scanner => Roles.Scanner,
            Policies.Admin => Roles.Admin,
            _ => Roles.Buyer,
        };
    }

    public static bool HasParameters(string template) => template.Contains('{', StringComparison.Ordinal);

    public static bool Matches(string template, string path) => ToRegex(template).IsMatch(path);

    static Regex ToRegex(string template)
    {
        var pattern = new System.Text.StringBuilder("^");
        var last = 0;
        foreach (Match parameter in Parameter().Matches(template))
        {
            pattern.Append(Regex.Escape(template[last..parameter.Index]));
            pattern.Append(parameter.Groups["catchall"].Success ? ".*" : parameter.Groups["constraint"].Value switch
            {
                "guid" => "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
                "int" or "long" => "-?[0-9]+",
                "bool" => "(?:true|false)",
                _ => "[^/]+",
            });
            last = parameter.Index + parameter.Length;
        }
        pattern.Append(Regex.Escape(template[last..])).Append("/?$");
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase);
    }

    [GeneratedRegex(@"\{(?<catchall>\*{1,2})?[^}:?=]+(?::(?<constraint>[a-z]+)[^}]*)?\??\}")]
    private static partial Regex Parameter();

    /// <summary>A file name for a page's screenshot: "buyer_account_change-password", "anonymous_dev_mailbox_Id".</summary>
    public static string ScreenshotName(string visitor, string template)
    {
        var slug = NonFileChars().Replace(Constraint().Replace(template, "").Trim('/'), "_").Trim('_');
        return $"{visitor}_{(slug.Length == 0 ? "home" : slug)}";
    }

    [GeneratedRegex(@":[^}]+|[{}*]")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"[^A-Za-z0-9\-]+")]
    private static partial Regex NonFileChars();
}
