using Encore.BuildingBlocks;
using Encore.Catalog.Events;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Catalog;

/// <summary>The status buyers see is computed from what the organizer decided and the clock.</summary>
public sealed class EffectiveStatusTests
{
    static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    readonly FakeTimeProvider clock = new(Start);

    Event ReadyDraft(int performanceInDays = 30, int windowOpensInDays = 2)
    {
        var now = clock.GetUtcNow();
        var ev = Event.Draft(Guid.NewGuid(), Guid.NewGuid(), new EventDetails("Test Night", "", "rock", null), "test-night", now);
        var starts = new DateTime(2026, 3, 1, 19, 30, 0).AddDays(performanceInDays);
        Assert.Null(ev.AddPerformance(Performance.Schedule(ev.Id, new PerformanceTimes(starts, starts.AddHours(-1), "Europe/London", 120))!, now));
        Assert.Null(ev.AddTier(TicketTier.For(ev.Id, new TierTerms("Standing", new Money(3500, "GBP"), [], "FLOOR", 1, 8)), now));
        Assert.Null(ev.AddWindow(OnSaleWindow.For(ev.Id, new WindowTerms(OnSaleKind.General, "General", now.AddDays(windowOpensInDays), now.AddDays(performanceInDays), null)), now));
        return ev;
    }

    [Fact]
    public void A_published_event_goes_on_sale_when_its_window_opens_and_is_past_after_its_last_performance()
    {
        var ev = ReadyDraft();
        Assert.Equal(EventStatus.Draft, ev.EffectiveStatus(clock.GetUtcNow()));

        Assert.Null(ev.Publish(clock.GetUtcNow()));
        Assert.Equal(EventStatus.Published, ev.EffectiveStatus(clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(EventStatus.OnSale, ev.EffectiveStatus(clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(EventStatus.Past, ev.EffectiveStatus(clock.GetUtcNow()));
    }

    [Fact]
    public void Sold_out_shows_while_the_window_is_open_and_cancelled_wins_over_everything()
    {
        var ev = ReadyDraft(windowOpensInDays: 0);
        Assert.Null(ev.Publish(clock.GetUtcNow()));
        Assert.Equal(EventStatus.OnSale, ev.EffectiveStatus(clock.GetUtcNow()));

        Assert.Null(ev.MarkSoldOut(true, clock.GetUtcNow()));
        Assert.Equal(EventStatus.SoldOut, ev.EffectiveStatus(clock.GetUtcNow()));

        Assert.Null(ev.Cancel("Illness", clock.GetUtcNow()));
        Assert.Equal(EventStatus.Cancelled, ev.EffectiveStatus(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromDays(60));
        Assert.Equal(EventStatus.Cancelled, ev.EffectiveStatus(clock.GetUtcNow()));
    }

    [Fact]
    public void Publishing_needs_a_future_performance_a_tier_and_a_general_window()
    {
        var now = clock.GetUtcNow();
        var ev = Event.Draft(Guid.NewGuid(), Guid.NewGuid(), new EventDetails("Bare", "", "jazz", null), "bare", now);

        var problem = ev.Publish(now);

        Assert.NotNull(problem);
        Assert.Equal(409, problem.StatusCode);
        Assert.Equal("Event is not ready to publish", problem.ProblemDetails.Title);
        Assert.Contains("ticket tier", problem.ProblemDetails.Detail);
        Assert.Contains("general on-sale window", problem.ProblemDetails.Detail);
        Assert.Equal(EventStatus.Draft, ev.EffectiveStatus(now));
    }

    [Fact]
    public void Invalid_transitions_are_refused()
    {
        var ev = ReadyDraft();
        Assert.Null(ev.Publish(clock.GetUtcNow()));
        Assert.Equal("Event is already published", ev.Publish(clock.GetUtcNow())?.ProblemDetails.Title);

        Assert.Null(ev.Cancel("Weather", clock.GetUtcNow()));
        Assert.Equal("Event is already cancelled", ev.Cancel("Again", clock.GetUtcNow())?.ProblemDetails.Title);
        Assert.Equal("Event is cancelled", ev.Publish(clock.GetUtcNow())?.ProblemDetails.Title);
        Assert.Equal("Event is cancelled", ev.Edit(new EventDetails("New", "", "rock", null), clock.GetUtcNow())?.ProblemDetails.Title);
    }

    [Fact]
    public void Local_times_become_utc_instants_in_the_venue_zone_across_daylight_saving()
    {
        // 19:30 in London is 19:30 UTC in winter and 18:30 UTC in summer.
        var winter = Performance.Schedule(Guid.NewGuid(), new PerformanceTimes(new DateTime(2026, 1, 10, 19, 30, 0), new DateTime(2026, 1, 10, 18, 30, 0), "Europe/London", 120))!;
        var summer = Performance.Schedule(Guid.NewGuid(), new PerformanceTimes(new DateTime(2026, 7, 10, 19, 30, 0), new DateTime(2026, 7, 10, 18, 30, 0), "Europe/London", 120))!;
        var skipped = Performance.Schedule(Guid.NewGuid(), new PerformanceTimes(new DateTime(2026, 3, 29, 1, 30, 0), new DateTime(2026, 3, 29, 0, 30, 0), "Europe/London", 120));

        Assert.Equal(new DateTimeOffset(2026, 1, 10, 19, 30, 0, TimeSpan.Zero), winter.StartsAtUtc);
        Assert.Equal(new DateTimeOffset(2026, 7, 10, 18, 30, 0, TimeSpan.Zero), summer.StartsAtUtc);
        Assert.Equal(summer.StartsAtUtc.AddMinutes(120), summer.EndsAtUtc);
        Assert.Null(skipped);
    }

    [Fact]
    public void A_presale_code_is_stored_hashed_and_matches_regardless_of_case_and_spaces()
    {
        var window = OnSaleWindow.For(Guid.NewGuid(), new WindowTerms(OnSaleKind.Presale, "Fans", Start, Start.AddDays(1), "Crescent"));

        Assert.Equal(32, window.AccessCodeHash!.Length);
        Assert.True(window.Accepts(" crescent "));
        Assert.False(window.Accepts("CRESCENT1"));
    }
}
