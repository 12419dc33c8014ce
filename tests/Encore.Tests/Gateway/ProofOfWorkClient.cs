using System.Net;
using System.Net.Http.Json;
using Encore.Web.Gateway;

namespace Encore.Tests.Gateway;

/// <summary>What a browser's widget does: fetch a challenge for a scope, find its number, encode the payload.</summary>
internal static class ProofOfWorkClient
{
    public static async Task<AltchaChallenge> ChallengeAsync(this HttpClient client, string scope)
    {
        var response = await client.GetAsync($"/api/bot-defense/challenge?scope={scope}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AltchaChallenge>())!;
    }

    public static string Solve(AltchaChallenge challenge)
    {
        var number = Altcha.Solve(challenge) ?? throw new InvalidOperationException("The challenge has no solution within maxnumber.");
        return Altcha.Encode(new AltchaPayload(challenge.Algorithm, challenge.Challenge, number, challenge.Salt, challenge.Signature));
    }

    /// <summary>A fresh solved proof for the scope, as the X-Altcha header carries it.</summary>
    public static async Task<string> ProofAsync(this HttpClient client, string scope = "hold") => Solve(await client.ChallengeAsync(scope));

    /// <summary>POSTs JSON with a freshly solved proof for the scope.</summary>
    public static async Task<HttpResponseMessage> PostWithProofAsync(this HttpClient client, string url, object body, string scope = "hold", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add(ProofOfWorkCheck.Header, await client.ProofAsync(scope));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }
}
