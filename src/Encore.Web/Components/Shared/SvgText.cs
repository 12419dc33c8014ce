using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Encore.Web.Components.Shared;

/// <summary>An SVG &lt;text&gt; element: Razor reserves the &lt;text&gt; tag for itself, so this writes it.</summary>
public sealed class SvgText : ComponentBase
{
    [Parameter] public string? Class { get; set; }
    [Parameter] public string X { get; set; } = "0";
    [Parameter] public string Y { get; set; } = "0";
    [Parameter] public string? Anchor { get; set; }
    [Parameter] public string? Size { get; set; }
    [Parameter] public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "class", Class);
        builder.AddAttribute(2, "x", X);
        builder.AddAttribute(3, "y", Y);
        builder.AddAttribute(4, "text-anchor", Anchor);
        builder.AddAttribute(5, "font-size", Size);
        builder.AddContent(6, ChildContent);
        builder.CloseElement();
    }
}
