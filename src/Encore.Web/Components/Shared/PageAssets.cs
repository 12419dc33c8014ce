namespace Encore.Web.Components.Shared;

/// <summary>
/// Scripts and stylesheets that shared components (ProofOfWorkField, DeviceSignals) need, written where
/// the component is, once per response. Not in HeadContent: a page shows only the last HeadContent
/// rendered (Blazor's sections keep one provider), so a component's head content would push out the
/// page's own (the seat picker's script), and a page with three proof fields would load the widget thrice.
/// </summary>
internal static class PageAssets
{
    /// <summary>True the first time this response asks for <paramref name="asset"/>; false after (or without a request).</summary>
    public static bool Once(HttpContext? http, string asset)
    {
        if (http is null) return true;
        var key = "encore.asset:" + asset;
        if (http.Items.ContainsKey(key)) return false;
        http.Items[key] = true;
        return true;
    }
}
