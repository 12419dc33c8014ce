using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.WaitingRoom.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.WaitingRoom;

internal static class QueueClient
{
    /// <summary>An app whose clock the test moves and whose queues advance only when the test ticks.</summary>
    public static EncoreAppFactory Queued(this EncoreAppFactory app, FakeTimeProvider clock) =>
        app.With("Encore:WaitingRoom:BackgroundAdvance", "false")
            .With("Encore:WaitingRoom:SettingsCacheSeconds", "0")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));

    public static Task<HttpResponseMessage> PutQueueAsync(this HttpClient organizer, Guid eventId, object settings) =>
        organizer.PutAsJsonAsync($"/api/organizer/events/{eventId}/waiting-room", settings);

    /// <summary>Pre-queue open now, admission from ten minutes on, one a second; check-ins stay fresh for 15 minutes.</summary>
    public static object PaceSettings(DateTimeOffset now, int perMinute = 60, int tokenMinutes = 5, int? maxQueueSize = null) => new
    {
        startsAt = now.AddMinutes(10),
        preQueueOpensAt = now,
        mode = "Pace",
        admitPerMinute = perMinute,
        tokenMinutes,
        maxQueueSize,
        checkInSeconds = 900,
    };

    /// <summary>Joins as the page does: with a solved proof of work for the queue-join scope.</summary>
    public static async Task<HttpResponseMessage> JoinAsync(this HttpClient buyer, Guid eventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/waiting-room/{eventId}/join");
        request.Headers.Add(Encore.Web.Gateway.ProofOfWorkCheck.Header, await Encore.Tests.Gateway.ProofOfWorkClient.ProofAsync(buyer, "queue-join"));
        return await buyer.SendAsync(request);
    }

    public static async Task<JsonObject> StatusAsync(this HttpClient buyer, Guid eventId)
    {
        var response = await buyer.GetAsync($"/api/waiting-room/{eventId}/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Task<int> TickAsync(this EncoreAppFactory app) => app.Service<QueueAdvancer>().TickAsync(CancellationToken.None);

    /// <summary>A client of the same account on another browser: same bearer token, none of the first one's cookies.</summary>
    public static HttpClient OtherDevice(this EncoreAppFactory app, HttpClient of)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = of.DefaultRequestHeaders.Authorization;
        return client;
    }
}
