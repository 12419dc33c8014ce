using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Encore.Identity.Oidc;

/// <summary>
/// An authorization or end-session request that OpenIddict refuses before it knows a safe redirect
/// URI (unknown client, unregistered redirect URI, missing PKCE) is answered here, not at the client.
/// OpenIddict would write plain text; we answer problem+json like the rest of the app, with the
/// OAuth error fields as extensions.
/// </summary>
internal sealed class LocalErrors<TContext> : IOpenIddictServerHandler<TContext> where TContext : OpenIddictServerEvents.BaseRequestContext
{
    public static void Register(OpenIddictServerBuilder server) => server.AddEventHandler<TContext>(h => h
        .UseSingletonHandler<LocalErrors<TContext>>()
        .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessLocalErrorResponse<TContext>.Descriptor.Order - 500));

    public async ValueTask HandleAsync(TContext context)
    {
        var error = context.Transaction.Response;
        if (string.IsNullOrEmpty(error?.Error) || context.Transaction.GetHttpRequest()?.HttpContext.Response is not { } response) return;
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "application/problem+json";
        await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "https://tools.ietf.org/html/rfc6749#section-4.1.2.1",
            ["title"] = "The request was refused.",
            ["status"] = StatusCodes.Status400BadRequest,
            ["detail"] = error.ErrorDescription,
            ["error"] = error.Error,
            ["error_description"] = error.ErrorDescription,
        }), context.CancellationToken);
        context.HandleRequest();
    }
}
