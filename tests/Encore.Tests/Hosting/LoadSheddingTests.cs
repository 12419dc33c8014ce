using Encore.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Hosting;

public sealed class LoadSheddingTests
{
    /// <summary>The shedding middleware in front of an endpoint that finishes only when the test says so.</summary>
    static (RequestDelegate Pipeline, TaskCompletionSource Entered, TaskCompletionSource Release) Pipeline(LoadSheddingOptions options, TimeProvider? time = null)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        if (time is not null) services.AddSingleton(time);
        var app = new ApplicationBuilder(services.BuildServiceProvider());
        app.UseLoadShedding(options);
        app.Run(async http =>
        {
            if (http.Request.Path == "/slow" || http.Request.Path.Value!.EndsWith("/live", StringComparison.Ordinal))
            {
                entered.TrySetResult();
                await release.Task;
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
        });
        return (app.Build(), entered, release);
    }

    static DefaultHttpContext Request(string path, string method = "GET")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        return http;
    }

    [Fact]
    public async Task Past_its_capacity_an_instance_answers_503_with_retry_after_at_once_but_health_still_answers()
    {
        // A clock that stands still: the queued request waits as long as the test takes.
        var (pipeline, entered, release) = Pipeline(
            new LoadSheddingOptions { MaxConcurrentRequests = 1, QueueLimit = 1, RetryAfterSeconds = 3 }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        var busy = Request("/slow");
        var first = pipeline(busy);
        await entered.Task;
        var waiting = Request("/api/ping");
        var queued = pipeline(waiting);
        Assert.False(queued.IsCompleted);

        var refused = Request("/api/ping");
        await pipeline(refused);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, refused.Response.StatusCode);
        Assert.Equal("3", refused.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", refused.Response.ContentType);

        var health = Request("/healthz");
        await pipeline(health);
        Assert.Equal(StatusCodes.Status200OK, health.Response.StatusCode);

        // The slot frees: the queued request runs, oldest first.
        release.SetResult();
        await first;
        await queued;
        Assert.Equal(StatusCodes.Status200OK, waiting.Response.StatusCode);
    }

    [Fact]
    public async Task A_request_that_waits_longer_than_the_queue_allows_is_refused_and_one_that_gets_a_slot_in_time_is_served()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var (pipeline, entered, release) = Pipeline(new LoadSheddingOptions { MaxConcurrentRequests = 1, QueueLimit = 10, MaxQueueWaitMilliseconds = 40 }, time);
        var first = pipeline(Request("/slow"));
        await entered.Task;

        var tooLate = Request("/api/ping");
        var waiting = pipeline(tooLate);
        time.Advance(TimeSpan.FromMilliseconds(39));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting;
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, tooLate.Response.StatusCode);
        Assert.Equal("2", tooLate.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", tooLate.Response.ContentType);

        var inTime = Request("/api/ping");
        var queued = pipeline(inTime);
        time.Advance(TimeSpan.FromMilliseconds(20));
        release.SetResult();
        await first;
        await queued;
        Assert.Equal(StatusCodes.Status200OK, inTime.Response.StatusCode);
    }

    [Fact]
    public async Task Releasing_a_hold_is_never_shed_but_other_hold_calls_are()
    {
        var (pipeline, entered, release) = Pipeline(
            new LoadSheddingOptions { MaxConcurrentRequests = 1, QueueLimit = 0 }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var first = pipeline(Request("/slow"));
        await entered.Task;
        var hold = Guid.NewGuid();

        var apiRelease = Request($"/api/holds/{hold}", HttpMethods.Delete);
        await pipeline(apiRelease);
        Assert.Equal(StatusCodes.Status200OK, apiRelease.Response.StatusCode);
        var pageRelease = Request($"/holds/{hold}", HttpMethods.Post);
        await pipeline(pageRelease);
        Assert.Equal(StatusCodes.Status200OK, pageRelease.Response.StatusCode);

        var read = Request($"/api/holds/{hold}", HttpMethods.Get);
        await pipeline(read);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, read.Response.StatusCode);
        var newHold = Request($"/api/performances/{Guid.NewGuid()}/holds", HttpMethods.Post);
        await pipeline(newHold);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, newHold.Response.StatusCode);
        var notAHold = Request("/api/holds/mine/all", HttpMethods.Delete);
        await pipeline(notAHold);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, notAHold.Response.StatusCode);

        release.SetResult();
        await first;
    }

    [Fact]
    public async Task Without_a_limit_nothing_is_shed()
    {
        var (pipeline, entered, release) = Pipeline(new LoadSheddingOptions());
        var first = pipeline(Request("/slow"));
        await entered.Task;
        var others = Enumerable.Range(0, 20).Select(_ => Request("/api/ping")).ToList();
        await Task.WhenAll(others.Select(o => pipeline(o)));
        Assert.All(others, o => Assert.Equal(StatusCodes.Status200OK, o.Response.StatusCode));
        release.SetResult();
        await first;
    }

    [Fact]
    public async Task A_waiting_room_live_line_held_open_takes_no_slot()
    {
        var (pipeline, entered, release) = Pipeline(new LoadSheddingOptions { MaxConcurrentRequests = 1, QueueLimit = 0 });
        var live = pipeline(Request($"/api/waiting-room/{Guid.NewGuid()}/live"));
        await entered.Task;
        var shopping = Request("/api/ping");
        await pipeline(shopping);
        Assert.Equal(StatusCodes.Status200OK, shopping.Response.StatusCode);
        release.SetResult();
        await live;
    }
}
