using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Bench;

namespace Encore.Simulator;

/// <summary>What a buyer who kept a hold does at checkout (docs/simulator.md, "Checkout").</summary>
enum PayPlan { Card, DeclinedThenCard, DeclinedGiveUp, InsufficientThenCard, InsufficientGiveUp, ThreeDsPass, ThreeDsFail, Abandon }

/// <summary>One checkout as the client saw it.</summary>
sealed record Purchase(SimBuyer Buyer, Granted Hold, PayPlan Plan, Guid? OrderId, string Outcome, long TotalMinor, int PayCalls);

sealed partial class Simulation
{
    readonly ConcurrentQueue<Purchase> purchases = new();
    readonly ConcurrentDictionary<string, long> payAnswers = new();

    PayPlan DrawPlan()
    {
        var r = NextDouble();
        return r switch
        {
            < 0.08 => PayPlan.Abandon,
            < 0.12 => PayPlan.DeclinedThenCard,
            < 0.15 => PayPlan.DeclinedGiveUp,
            < 0.18 => PayPlan.InsufficientThenCard,
            < 0.20 => PayPlan.InsufficientGiveUp,
            < 0.27 => PayPlan.ThreeDsPass,
            < 0.30 => PayPlan.ThreeDsFail,
            _ => PayPlan.Card,
        };
    }

    async Task<(int Status, JsonNode? Body)> BuyerCallAsync(HttpMethod method, string url, SimBuyer buyer, object? body, string? idempotencyKey = null)
    {
        var (status, json, _, _) = await AskAsync(method, url, buyer, body, idempotencyKey);
        return (status, json);
    }

    /// <summary>A create-or-charge call asked again with its key until answered, coming back when told to (<see cref="UntilAnsweredAsync"/>).</summary>
    async Task<(int Status, JsonNode? Body)> CreateAsync(string what, string url, SimBuyer buyer, object body, string idempotencyKey)
    {
        var (status, json, _, _) = await UntilAnsweredAsync(what, () => AskAsync(HttpMethod.Post, url, buyer, body, idempotencyKey), comeBackWhenBusy: true);
        return (status, json);
    }

    async Task<(int Status, JsonNode? Body, TimeSpan? RetryAfter, string? Title)> AskAsync(HttpMethod method, string url, SimBuyer buyer, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, url);
        buyer.Client.Apply(request);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.SendAsync(request);
            if (NoAnswerBehind(response))
            {
                Unanswered(method, url, (int)response.StatusCode);
                return (0, null, null, null);
            }
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length > 0 && text[0] is '{' or '[' ? JsonNode.Parse(text) : null;
            return ((int)response.StatusCode, json, response.Headers.RetryAfter?.Delta, (json as JsonObject)?["title"]?.GetValue<string>());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Unanswered(method, url);
            return (0, null, null, null);
        }
    }

    /// <summary>
    /// A buyer who keeps a hold checks out: creates the order from it and pays with the simulated
    /// gateway's test payment methods by the plan drawn (declines retried or not, 3-D Secure passed or
    /// failed on the issuer's page, or walking away so the order expires with its hold).
    /// </summary>
    async Task CheckoutAsync(SimBuyer buyer, Granted hold)
    {
        var plan = DrawPlan();
        var (status, order) = await CreateAsync("order", "/api/orders", buyer, new { holdId = hold.Id }, $"order-{hold.Id:N}");
        if (status is not (200 or 201) || order is null)
        {
            purchases.Enqueue(new Purchase(buyer, hold, plan, null, $"order refused {status} {order?["title"]}", 0, 0));
            return;
        }
        var orderId = order["id"]!.GetValue<Guid>();
        var total = order["totalMinor"]!.GetValue<long>();
        if (plan == PayPlan.Abandon)
        {
            purchases.Enqueue(new Purchase(buyer, hold, plan, orderId, "abandoned", total, 0));
            return;
        }
        await Task.Delay(Think());
        string[] methods = plan switch
        {
            PayPlan.DeclinedThenCard => ["pm_card_chargeDeclined", "pm_card_visa"],
            PayPlan.DeclinedGiveUp => ["pm_card_chargeDeclined"],
            PayPlan.InsufficientThenCard => ["pm_card_chargeDeclinedInsufficientFunds", "pm_card_mastercard"],
            PayPlan.InsufficientGiveUp => ["pm_card_chargeDeclinedInsufficientFunds"],
            PayPlan.ThreeDsPass or PayPlan.ThreeDsFail => ["pm_card_threeDSecure2Required"],
            _ => ["pm_card_visa"],
        };
        var outcome = "not paid";
        var calls = 0;
        foreach (var method in methods)
        {
            calls++;
            (status, var paid) = await CreateAsync("pay", $"/api/orders/{orderId}/pay", buyer,
                new { paymentMethod = method, billingCountry = "GB" }, $"pay-{orderId:N}-{calls}");
            // A problem's "status" is its HTTP status (a number); an order's is its state.
            var state = status == 200 ? paid?["status"]?.GetValue<string>() : null;
            payAnswers.AddOrUpdate($"{status} {state ?? paid?["title"]?.GetValue<string>()}", 1, (_, n) => n + 1);
            if (status == 200 && state == "requires_action" && paid!["nextActionUrl"]?.GetValue<string>() is { } challenge)
            {
                var pass = plan == PayPlan.ThreeDsPass;
                await ChallengeAsync(challenge, pass);
                state = await SettledStateAsync(buyer, orderId);
                outcome = $"3ds {(pass ? "passed" : "failed")} → {state}";
            }
            else outcome = status == 200 ? state ?? "?" : $"{status} {paid?["title"]}";
            if (state is "paid" or "fulfilled") break;
            if (status is 0 or 404 or 409) break;
            await Task.Delay(Think());
        }
        purchases.Enqueue(new Purchase(buyer, hold, plan, orderId, outcome, total, calls));
    }

    static readonly Regex HiddenInput = new("<input[^>]*name=\"(?<name>_handler|__RequestVerificationToken)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.Compiled);

    /// <summary>
    /// The issuer's 3-D Secure page as a browser drives it: GET the page (it sets the antiforgery
    /// cookie), POST the form chosen (pass or fail) with its token, follow the redirect to our
    /// return endpoint (which asks the gateway, never the query string). A page refused as busy
    /// (429, 503: nothing was done) is loaded again, as a buyer would. What came of it is the
    /// order's state (<see cref="SettledStateAsync"/>).
    /// </summary>
    async Task ChallengeAsync(string url, bool pass)
    {
        for (var ask = 1; ; ask++)
        {
            using var get = await http.GetAsync(url);
            if ((int)get.StatusCode is 429 or 503 && ask < MaxAsks)
            {
                Interlocked.Increment(ref busyAskedAgain);
                await Task.Delay(get.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2));
                continue;
            }
            await SubmitChallengeAsync(url, get, pass);
            return;
        }
    }

    async Task SubmitChallengeAsync(string url, HttpResponseMessage get, bool pass)
    {
        var html = await get.Content.ReadAsStringAsync();
        var cookies = string.Join("; ", get.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]) : []);
        // Each form carries its handler name and a token; take the pair that belongs to the chosen form.
        var forms = html.Split("<form", StringSplitOptions.None).Skip(1).ToList();
        var wanted = pass ? "complete" : "fail";
        var form = forms.FirstOrDefault(f => f.Contains($"value=\"{wanted}\"", StringComparison.Ordinal));
        if (form is null) return;
        var fields = HiddenInput.Matches(form).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        using var post = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        post.Headers.TryAddWithoutValidation("Cookie", cookies);
        post.Headers.TryAddWithoutValidation("User-Agent", Buyer.UserAgent);
        // The client follows the redirects: our return endpoint settles the attempt (or finds that a
        // webhook already did), then sends the browser on to the order's page.
        using var answer = await http.SendAsync(post);
    }

    /// <summary>A challenged order settles when Payments' event reaches Orders (the outbox): read it until it does.</summary>
    async Task<string> SettledStateAsync(SimBuyer buyer, Guid orderId)
    {
        var state = "requires_action";
        for (var i = 0; i < 60; i++)
        {
            var (status, order) = await BuyerCallAsync(HttpMethod.Get, $"/api/orders/{orderId}", buyer, null);
            state = status == 200 ? order!["status"]!.GetValue<string>() : $"{status}";
            // Busy (nothing was read): ask again, like a page that has not settled yet.
            if (state is not ("requires_action" or "awaiting_payment" or "429" or "503")) return state;
            await Task.Delay(500);
        }
        return state;
    }
}
