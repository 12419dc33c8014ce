using Encore.BuildingBlocks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Encore.Web.Hosting;

internal static class OpenApiSchemas
{
    /// <summary>
    /// Money has its own JSON converter (so a bad currency is a 400), which hides its shape from
    /// the schema generator; this puts the shape back.
    /// </summary>
    public static OpenApiOptions DescribeMoney(this OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (context.JsonTypeInfo.Type != typeof(Money) && context.JsonTypeInfo.Type != typeof(Money?)) return Task.CompletedTask;
        schema.Type = JsonSchemaType.Object;
        schema.Required = new HashSet<string> { "minor", "currency" };
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["minor"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "Integer minor units (cents, pence)." },
            ["currency"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Z]{3}$", Description = "ISO 4217 code." },
        };
        return Task.CompletedTask;
    });
}
