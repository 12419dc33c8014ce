using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>What keyboard-only journeys share: reading the focused element, and tabbing until a given one has focus.</summary>
internal static class KeyboardFocus
{
    /// <summary>A JavaScript expression over the focused element <c>e</c>, as text; empty when nothing has focus.</summary>
    public static Task<string> Focused(IPage page, string expression) =>
        page.EvaluateAsync<string>($"() => {{ const e = document.activeElement; return e ? String({expression}) : ''; }}");

    /// <summary>Presses Tab until <paramref name="expression"/> over the focused element reads <paramref name="expected"/>; fails if it never does.</summary>
    public static async Task TabToAsync(IPage page, string expression, string expected)
    {
        for (var i = 0; i < 120 && await Focused(page, expression) != expected; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal(expected, await Focused(page, expression));
    }
}
