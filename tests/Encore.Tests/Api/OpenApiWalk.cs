using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tests.Api;

/// <summary>One operation of the OpenAPI document, with what a walker needs to call it.</summary>
internal sealed record ApiOperation(
    string Method,
    string Path,
    IReadOnlyList<ApiParameter> Parameters,
    JsonNode? JsonBody,
    bool HasBody,
    bool Anonymous)
{
    public override string ToString() => $"{Method} {Path}";
}

internal sealed record ApiParameter(string Name, string In, JsonNode? Schema, bool Required);

/// <summary>A request the walker sends: the operation, what was done to it, and the HTTP message parts.</summary>
internal sealed record WalkRequest(ApiOperation Operation, string Variant, string Url, HttpContent? Content)
{
    public override string ToString() => $"{Operation} [{Variant}] {(Url.Length > 120 ? Url[..120] + "…" : Url)}";
}

/// <summary>
/// Reads the app's OpenAPI document and builds requests for every operation: plausible ones and
/// deliberately bad ones. Generic over the document, so new endpoints are walked as they appear.
/// </summary>
internal sealed partial class OpenApiWalk
{
    const int HugeLength = 1024 * 1024;
    readonly JsonNode document;

    public IReadOnlyList<ApiOperation> Operations { get; }

    public OpenApiWalk(JsonNode document, EndpointDataSource endpoints)
    {
        this.document = document;
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var shared = item!["parameters"]?.AsArray();
            foreach (var (method, op) in item.AsObject())
            {
                if (method is "parameters" or "summary" or "description" or "servers") continue;
                var parameters = (shared ?? []).Concat(op!["parameters"]?.AsArray() ?? [])
                    .Select(p => Resolve(p!))
                    .Select(p => new ApiParameter((string)p["name"]!, (string)p["in"]!, p["schema"], (bool?)p["required"] ?? false))
                    .ToList();
                var body = op!["requestBody"] is { } rb ? Resolve(rb) : null;
                var jsonBody = body?["content"]?["application/json"]?["schema"];
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, parameters, jsonBody, body is not null,
                    IsAnonymous(endpoints, method, path)));
            }
        }
        Operations = operations;
    }

    /// <summary>Whether the endpoint behind an operation lets anonymous callers through (IAllowAnonymous wins over any policy).</summary>
    static bool IsAnonymous(EndpointDataSource endpoints, string method, string path)
    {
        var endpoint = endpoints.Endpoints.OfType<RouteEndpoint>().FirstOrDefault(e =>
            Normalize(e.RoutePattern.RawText ?? "") == Normalize(path) &&
            (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) ?? true));
        return endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
    }

    static string Normalize(string pattern) => "/" + RouteParameter().Replace(pattern, m => "{" + m.Groups[1].Value.ToLowerInvariant() + "}").Trim('/');

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    // ---- requests -------------------------------------------------------------------------

    /// <summary>A plausible request: unknown ids, small values, a body that has every field.</summary>
    public WalkRequest Plausible(ApiOperation op) =>
        new(op, "plausible", Url(op, PlausibleValue), op.HasBody ? Json(SampleBody(op)) : null);

    /// <summary>A plausible request whose path parameters are given by name (real ids of someone's resources).</summary>
    public WalkRequest WithPathValues(ApiOperation op, IReadOnlyDictionary<string, string> values, JsonNode? body = null) =>
        new(op, "owned by someone else",
            Url(op, p => p.In == "path" && values.TryGetValue(p.Name, out var v) ? v : PlausibleValue(p)),
            op.HasBody ? Json(body ?? SampleBody(op)) : null);

    /// <summary>Requests that a well-behaved API answers with a 4xx problem (or, where harmless, a 2xx).</summary>
    public IEnumerable<WalkRequest> BadRequests(ApiOperation op)
    {
        var pathParams = op.Parameters.Where(p => p.In == "path").ToList();
        var plausibleBody = op.HasBody ? SampleBody(op) : null;
        HttpContent? Body() => plausibleBody is null ? null : Json(plausibleBody);

        // Unknown ids and ids that are not ids at all.
        if (pathParams.Count > 0)
        {
            yield return new(op, "unknown ids", Url(op, PlausibleValue), Body());
            foreach (var p in pathParams)
            {
                yield return new(op, $"{p.Name} not a guid", Url(op, q => q == p ? "not-a-guid" : PlausibleValue(q)), Body());
                yield return new(op, $"{p.Name} huge", Url(op, q => q == p ? new string('9', 5000) : PlausibleValue(q)), Body());
            }
        }

        // Query parameters of the wrong type, or too long.
        foreach (var p in op.Parameters.Where(p => p.In == "query"))
        {
            yield return new(op, $"query {p.Name} wrong type", Url(op, q => q == p ? WrongTypeText(q.Schema) : PlausibleValue(q)), Body());
            yield return new(op, $"query {p.Name} long", Url(op, q => q == p ? new string('x', 8000) : PlausibleValue(q)), Body());
        }
        if (op.Parameters.Any(p => p is { In: "query", Required: true }))
            yield return new(op, "required query missing", Url(op, PlausibleValue, omitQuery: true), Body());

        if (!op.HasBody) yield break;
        var url = Url(op, PlausibleValue);
        yield return new(op, "malformed json", url, Raw("""{"unterminated": """, "application/json"));
        yield return new(op, "json array", url, Raw("[1,2,3]", "application/json"));
        yield return new(op, "json string", url, Raw("\"text\"", "application/json"));
        yield return new(op, "json null", url, Raw("null", "application/json"));
        yield return new(op, "empty body", url, Raw("", "application/json"));
        yield return new(op, "empty object", url, Raw("{}", "application/json"));
        yield return new(op, "not json", url, Raw("hello", "text/plain"));

        if (plausibleBody is not JsonObject sample || Resolve(op.JsonBody!) is not { } schema) yield break;
        foreach (var (name, propertySchema) in Properties(schema))
        {
            var wrong = (JsonObject)sample.DeepClone();
            wrong[name] = WrongType(propertySchema);
            yield return new(op, $"{name} wrong type", url, Json(wrong));

            if (Required(schema).Contains(name))
            {
                var missing = (JsonObject)sample.DeepClone();
                missing.Remove(name);
                yield return new(op, $"{name} missing", url, Json(missing));
            }

            if (TypeOf(propertySchema) == "string")
            {
                var huge = (JsonObject)sample.DeepClone();
                huge[name] = new string('x', HugeLength);
                yield return new(op, $"{name} 1 MB", url, Json(huge));
            }
        }
    }

    string Url(ApiOperation op, Func<ApiParameter, string> value, bool omitQuery = false)
    {
        var path = op.Path;
        foreach (var p in op.Parameters.Where(p => p.In == "path"))
            path = path.Replace("{" + p.Name + "}", Uri.EscapeDataString(value(p)), StringComparison.Ordinal);
        var query = omitQuery ? [] : op.Parameters.Where(p => p.In == "query").Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(value(p))}").ToList();
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    string PlausibleValue(ApiParameter p) => Sample(p.Schema, 0) switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        { } node => node.ToJsonString().Trim('"'),
        null => "x",
    };

    JsonNode? SampleBody(ApiOperation op) => op.JsonBody is { } schema ? Sample(schema, 0) : new JsonObject();

    /// <summary>A value that fits the schema: what a careless but well-meaning client would send.</summary>
    JsonNode? Sample(JsonNode? schema, int depth)
    {
        schema = schema is null ? null : Resolve(schema);
        if (schema is null || depth > 6) return null;
        if (schema["enum"] is JsonArray { Count: > 0 } values) return values[0]?.DeepClone();
        switch (TypeOf(schema))
        {
            case "object":
                var obj = new JsonObject();
                foreach (var (name, property) in Properties(schema)) obj[name] = Sample(property, depth + 1);
                return obj;
            case "array":
                return new JsonArray(Sample(schema["items"], depth + 1));
            case "integer":
                return 1;
            case "number":
                return 1.5;
            case "boolean":
                return false;
            case "string":
                return (string?)schema["format"] switch
                {
                    "uuid" => Guid.NewGuid().ToString(),
                    "date-time" => "2026-06-01T19:00:00Z",
                    "date" => "2026-06-01",
                    "email" => "walker@example.test",
                    "int32" or "int64" => "1",
                    _ => "x",
                };
            default:
                return null;
        }
    }

    JsonNode WrongType(JsonNode schema) => TypeOf(Resolve(schema)) switch
    {
        "string" => JsonValue.Create(12345),
        "integer" or "number" => JsonValue.Create("not a number"),
        "boolean" => JsonValue.Create("perhaps"),
        "array" => JsonValue.Create("not a list"),
        "object" => JsonValue.Create(42),
        _ => new JsonObject { ["unexpected"] = new JsonArray(1, 2) },
    };

    string WrongTypeText(JsonNode? schema) => schema is not null && TypeOf(Resolve(schema)) is "integer" or "number" or "boolean" ? "not-a-number" : "\u0000%%";

    JsonNode Resolve(JsonNode node)
    {
        for (var i = 0; i < 10 && node["$ref"] is { } reference; i++)
        {
            var target = document;
            foreach (var segment in ((string)reference!).TrimStart('#', '/').Split('/'))
                target = target[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]!;
            node = target;
        }
        // Nullable references come as oneOf/anyOf [{null}, {$ref}]; the non-null branch describes the value.
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (node[combinator] is JsonArray { Count: > 0 } branches && node["type"] is null && node["properties"] is null)
                return Resolve(branches.FirstOrDefault(b => TypeOf(Resolve(b!)) != "null") ?? branches[0]!);
        return node;
    }

    static string? TypeOf(JsonNode schema) => schema["type"] switch
    {
        JsonValue v => (string?)v,
        JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null") ?? "null",
        _ => schema["properties"] is not null ? "object" : null,
    };

    IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
        (schema["properties"]?.AsObject() ?? []).Select(p => (p.Key, Resolve(p.Value!)));

    static HashSet<string> Required(JsonNode schema) =>
        (schema["required"]?.AsArray() ?? []).Select(r => (string)r!).ToHashSet();

    static StringContent Json(JsonNode? body) => Raw(body?.ToJsonString() ?? "null", "application/json");

    static StringContent Raw(string text, string mediaType)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    public static string FormatInvariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Null when the response is acceptable for a request that should fail; the reason otherwise.</summary>
    public static async Task<string?> ProblemWithAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return FormatInvariant($"answered {status}: {await Excerpt(response)}");
        if (status < 400) return null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "application/problem+json")
            return FormatInvariant($"answered {status} with content type '{mediaType ?? "none"}', not application/problem+json: {await Excerpt(response)}");
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("status", out _))
                return FormatInvariant($"answered {status} with a problem body that has no status");
        }
        catch (JsonException ex)
        {
            return FormatInvariant($"answered {status} with an unparseable problem body: {ex.Message}");
        }
        return null;
    }

    static async Task<string> Excerpt(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
