using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Encore.Web.Components.Pages;

/// <summary>
/// The API reference page's model, from ApiExplorer: the same endpoint metadata the OpenAPI
/// document is generated from, so the page and /openapi/v1.json cannot disagree.
/// </summary>
internal static class ApiCatalog
{
    public sealed record Tag(string Name, string Anchor, List<Operation> Operations);

    public sealed record Operation(
        string Method, string Path, string Anchor, string? Summary, string? Description, string Authorization,
        string? RequestBody, List<string> RequestContentTypes, List<Parameter> Parameters, List<Response> Responses);

    public sealed record Parameter(string Name, string In, string Type, bool Required);

    public sealed record Response(int Status, string? Type, string ContentTypes);

    static readonly string[] MethodOrder = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static List<Tag> Read(IApiDescriptionGroupCollectionProvider explorer)
    {
        var operations = explorer.ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .Where(d => d.HttpMethod is not null)
            .Select(d => (Tag: TagOf(d), Op: ToOperation(d)))
            .ToList();
        return operations
            .GroupBy(x => x.Tag)
            .OrderBy(g => g.Key == "Other" ? 1 : 0).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new Tag(g.Key, "tag-" + Slug(g.Key), g
                .Select(x => x.Op)
                .OrderBy(o => o.Path, StringComparer.Ordinal)
                .ThenBy(o => Array.IndexOf(MethodOrder, o.Method) is var i and >= 0 ? i : MethodOrder.Length)
                .ToList()))
            .ToList();
    }

    static string TagOf(ApiDescription d) =>
        d.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().SelectMany(t => t.Tags).FirstOrDefault() ?? "Other";

    static Operation ToOperation(ApiDescription d)
    {
        var metadata = d.ActionDescriptor.EndpointMetadata;
        var method = d.HttpMethod!.ToUpperInvariant();
        var path = "/" + (d.RelativePath ?? "").TrimStart('/');
        var body = d.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body || p.Source == BindingSource.Form || p.Source == BindingSource.FormFile);
        var parameters = d.ParameterDescriptions
            .Where(p => p != body && p.Source != BindingSource.Body && p.Source != BindingSource.Services && p.Source != BindingSource.Special)
            .Select(p => new Parameter(p.Name, p.Source?.DisplayName ?? "Query", TypeName(p.Type), p.IsRequired || p.Source == BindingSource.Path))
            .ToList();
        var responses = d.SupportedResponseTypes
            .OrderBy(r => r.StatusCode)
            .Select(r => new Response(r.StatusCode, r.Type is null || r.Type == typeof(void) ? null : TypeName(r.Type),
                string.Join(", ", r.ApiResponseFormats.Select(f => f.MediaType).Distinct())))
            .ToList();
        return new Operation(
            method, path, "op-" + Slug(method + " " + path),
            metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault()?.Summary,
            metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault()?.Description,
            Authorization(metadata),
            body is null ? null : TypeName(body.Type),
            d.SupportedRequestFormats.Select(f => f.MediaType).Distinct().ToList(),
            parameters,
            responses);
    }

    static string Authorization(IList<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return "Anonymous";
        var requirements = metadata.OfType<IAuthorizeData>()
            .Select(a => a.Policy is { Length: > 0 } policy ? $"policy {policy}"
                : a.Roles is { Length: > 0 } roles ? $"roles {roles}"
                : "signed in")
            .Distinct()
            .ToList();
        // With no policy named, the fallback policy applies: any signed-in account.
        return requirements.Count == 0 ? "Signed in (fallback policy)" : string.Join(" and ", requirements);
    }

    internal static string TypeName(Type? type)
    {
        if (type is null) return "unknown";
        if (Nullable.GetUnderlyingType(type) is { } inner) return TypeName(inner) + "?";
        if (type.IsArray) return TypeName(type.GetElementType()) + "[]";
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    static string Slug(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        return slug.ToString().Trim('-');
    }
}
