using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

internal static class Axe
{
    static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        ResultTypes = [ResultType.Violations],
    };

    /// <summary>The WCAG 2.1 A and AA violations of the page, as readable text; empty when there are none.</summary>
    public static async Task<string> ViolationsAsync(IPage page)
    {
        await ProofOfWorkSettledAsync(page);
        var result = await RunAsync(page);
        if (result.Violations is { Length: > 0 })
        {
            // Live pages change while axe samples them (availability pushes, a proof-of-work field
            // enabling its button), and axe can pair colours from two moments. A real defect is in
            // every scan; report what a second scan still finds.
            await page.WaitForTimeoutAsync(1000);
            result = await RunAsync(page);
        }
        if (result.Violations is not { Length: > 0 } violations) return "";
        var text = new StringBuilder();
        text.AppendLine($"{violations.Length} axe violation(s) on {page.Url}:");
        foreach (var violation in violations)
        {
            text.AppendLine($"- [{violation.Impact}] {violation.Id}: {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes.Take(5))
            {
                text.AppendLine($"    at {node.Target}: {Shorten(node.Html)}");
                foreach (var check in (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []))
                    if (!string.IsNullOrWhiteSpace(check.Message)) text.AppendLine("      " + check.Message);
            }
            if (violation.Nodes.Length > 5) text.AppendLine($"    … and {violation.Nodes.Length - 5} more");
        }
        return text.ToString();
    }

    /// <summary>Fails with every violation spelled out (an equality assertion would cut the text short).</summary>
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var violations = await ViolationsAsync(page);
        Assert.True(violations.Length == 0, violations);
    }

    /// <summary>
    /// A proof-of-work field disables its form's button while it solves and enables it when done. If
    /// that flips while axe samples the button, axe pairs the enabled text colour with the disabled
    /// background (seen: white on #eef0f6) and reports a contrast failure neither state has. Both
    /// states are checked in turn by the journeys; here we only wait for the field to settle.
    /// </summary>
    static async Task ProofOfWorkSettledAsync(IPage page)
    {
        const string settled = """
            () => [...document.querySelectorAll('[data-pow-field]')].every(f => {
                const status = f.querySelector('[data-pow-status]');
                const text = status ? status.textContent.trim() : 'none';
                return f.hidden || (text !== '' && !text.startsWith('Checking'));
            })
            """;
        try
        {
            await page.WaitForFunctionAsync(settled, null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            // A field that never settles (a failed challenge, say) stays as it is: axe checks that state.
        }
    }

    // Axe's default mode runs each frame's part, carries every node of every rule to .NET and back into
    // a blank page to finish there, so that cross-origin frames can be tested; on the seat map's 6,700
    // elements that takes 30 s against 6 s in the page. Our pages have no frames (the tests pay with the
    // simulated gateway, whose card field is ours), so the whole page is tested in one run inside it.
#pragma warning disable CS0618 // "legacy mode": the in-page run, which is what a frameless page needs
    static Task<AxeResult> RunAsync(IPage page) => page.Locator("html").RunAxeLegacy(WcagAA);
#pragma warning restore CS0618

    static string Shorten(string html) => html.Length <= 200 ? html : html[..200] + "…";
}
