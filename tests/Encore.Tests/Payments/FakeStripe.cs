using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Encore.Payments.Gateway.Simulated;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.Tests.Payments;

/// <summary>
/// A local fake of the Stripe API endpoints the adapter uses, on loopback, written from Stripe's API
/// reference: Bearer secret-key auth, form-encoded bodies with bracketed nested keys, Idempotency-Key
/// replaying the first response (and refusing the key with other parameters), PaymentIntents with
/// manual capture whose test PaymentMethods decline with a 402 card_error carrying the intent, or
/// ask for 3-D Secure with next_action.redirect_to_url; errors as {"error": {type, code, message, …}}.
/// </summary>
internal sealed class FakeStripe : IAsyncDisposable
{
    public const string ApiKey = "sk_test_encore_fake";
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, JsonObject> intents = new();
    readonly ConcurrentDictionary<string, (string Fingerprint, int Status, string Body)> replays = new();
    readonly object gate = new();

    public ConcurrentQueue<Recorded> Requests { get; } = new();
    public string BaseUrl { get; }

    public sealed record Recorded(string Method, string Path, string? Authorization, string? IdempotencyKey, string? ContentType, string? StripeVersion, Dictionary<string, string> Form);

    FakeStripe(WebApplication app, string baseUrl) { this.app = app; BaseUrl = baseUrl; }

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeStripe? fake = null;
        app.Run(async http => await fake!.HandleAsync(http));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeStripe(app, url);
        return fake;
    }

    public JsonObject Intent(string id) => intents[id];

    /// <summary>What the issuer's challenge page would do: the buyer passes or fails 3-D Secure.</summary>
    public JsonObject Authenticate(string id, bool pass)
    {
        lock (gate)
        {
            var pi = intents[id];
            if (pass)
            {
                pi["status"] = "requires_capture";
                pi["amount_capturable"] = pi["amount"]!.GetValue<long>();
            }
            else
            {
                pi["status"] = "requires_payment_method";
                pi["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "payment_intent_authentication_failure", ["message"] = "The provided PaymentMethod has failed authentication." };
            }
            pi["next_action"] = null;
            return (JsonObject)pi.DeepClone();
        }
    }

    async Task HandleAsync(HttpContext http)
    {
        var form = new Dictionary<string, string>();
        if (http.Request.HasFormContentType)
            foreach (var (k, v) in await http.Request.ReadFormAsync()) form[k] = v.ToString();
        foreach (var (k, v) in http.Request.Query) form[k] = v.ToString();
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        Requests.Enqueue(new(http.Request.Method, http.Request.Path, http.Request.Headers.Authorization.FirstOrDefault(), key,
            http.Request.ContentType, http.Request.Headers["Stripe-Version"].FirstOrDefault(), form));

        (int Status, JsonNode Body) answer;
        if (http.Request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
            answer = (401, Error("invalid_request_error", null, $"Invalid API Key provided: {Mask(http.Request.Headers.Authorization.ToString())}"));
        else if (http.Request.Method == "POST" && !(http.Request.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
            answer = (400, Error("invalid_request_error", null, "Stripe's API takes form-encoded bodies."));
        else if (http.Request.Method == "POST" && key is not null)
        {
            var fingerprint = $"{http.Request.Path}|{string.Join('&', form.Where(f => !f.Key.StartsWith("expand", StringComparison.Ordinal)).OrderBy(f => f.Key).Select(f => f.Key + "=" + f.Value))}";
            lock (gate)
            {
                if (replays.TryGetValue(key, out var earlier))
                    answer = earlier.Fingerprint == fingerprint
                        ? (earlier.Status, JsonNode.Parse(earlier.Body)!)
                        : (400, Error("idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters they were first used with."));
                else
                {
                    answer = Route(http.Request.Method, http.Request.Path.Value!, form);
                    replays[key] = (fingerprint, answer.Status, answer.Body.ToJsonString());
                }
            }
        }
        else
            lock (gate) answer = Route(http.Request.Method, http.Request.Path.Value!, form);

        http.Response.StatusCode = answer.Status;
        http.Response.Headers["Request-Id"] = "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(7));
        await http.Response.WriteAsJsonAsync(answer.Body);
    }

    (int, JsonNode) Route(string method, string path, Dictionary<string, string> form)
    {
        var parts = path.Trim('/').Split('/');
        return (method, parts) switch
        {
            ("GET", ["v1", "payment_methods", var id]) => PaymentMethod(id),
            ("POST", ["v1", "payment_intents"]) => Create(form),
            ("GET", ["v1", "payment_intents", var id]) => Found(id, pi => (200, Expand(pi, form))),
            ("POST", ["v1", "payment_intents", var id, "capture"]) => Found(id, pi => Capture(pi, form)),
            ("POST", ["v1", "payment_intents", var id, "cancel"]) => Found(id, Cancel),
            ("POST", ["v1", "refunds"]) => Refund(form),
            _ => (404, Error("invalid_request_error", null, $"Unrecognized request URL ({method}: {path}).")),
        };
    }

    static (int, JsonNode) PaymentMethod(string id) => TestCards.ByPaymentMethod(id) is { } card
        ? (200, new JsonObject
        {
            ["id"] = id, ["object"] = "payment_method", ["type"] = "card",
            ["card"] = new JsonObject { ["brand"] = card.Brand, ["last4"] = card.Last4, ["country"] = card.Country, ["fingerprint"] = card.Fingerprint, ["exp_month"] = 12, ["exp_year"] = 2034 },
        })
        : (404, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{id}'", "payment_method"));

    (int, JsonNode) Create(Dictionary<string, string> form)
    {
        if (!long.TryParse(form.GetValueOrDefault("amount"), out var amount) || amount < 1)
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: amount.", "amount"));
        if (form.GetValueOrDefault("currency") is not { Length: 3 } currency)
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: currency.", "currency"));
        var pm = form.GetValueOrDefault("payment_method") ?? "";
        if (TestCards.ByPaymentMethod(pm) is not { } card)
            return (400, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{pm}'", "payment_method"));
        if (form.GetValueOrDefault("confirm") == "true" && !form.ContainsKey("return_url"))
            return (400, Error("invalid_request_error", null, "A return_url must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard.", "return_url"));

        var id = "pi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var metadata = new JsonObject();
        foreach (var (k, v) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[k["metadata[".Length..^1]] = v;
        var pi = new JsonObject
        {
            ["id"] = id, ["object"] = "payment_intent", ["amount"] = amount, ["amount_capturable"] = 0, ["amount_received"] = 0,
            ["capture_method"] = form.GetValueOrDefault("capture_method") ?? "automatic", ["currency"] = currency, ["status"] = "requires_confirmation",
            ["payment_method"] = pm, ["metadata"] = metadata, ["livemode"] = false, ["latest_charge"] = null, ["next_action"] = null, ["last_payment_error"] = null,
            ["client_secret"] = $"{id}_secret_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
        };
        intents[id] = pi;
        if (card.Behaviour == CardBehaviour.Declines)
        {
            pi["status"] = "requires_payment_method";
            pi["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = card.ErrorCode, ["decline_code"] = card.DeclineCode, ["message"] = card.Message };
            var error = Error("card_error", card.ErrorCode, card.Message!);
            error["error"]!["decline_code"] = card.DeclineCode;
            error["error"]!["payment_intent"] = pi.DeepClone();
            return (402, error);
        }
        if (card.Behaviour == CardBehaviour.RequiresAuthentication || form.GetValueOrDefault("payment_method_options[card][request_three_d_secure]") == "any")
        {
            pi["status"] = "requires_action";
            pi["next_action"] = new JsonObject
            {
                ["type"] = "redirect_to_url",
                ["redirect_to_url"] = new JsonObject { ["url"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={id}", ["return_url"] = form["return_url"] },
            };
        }
        else if (pi["capture_method"]!.GetValue<string>() == "manual")
        {
            pi["status"] = "requires_capture";
            pi["amount_capturable"] = amount;
            pi["latest_charge"] = "ch_" + id[3..];
        }
        return (200, Expand(pi, form));
    }

    (int, JsonNode) Capture(JsonObject pi, Dictionary<string, string> form)
    {
        if (pi["status"]!.GetValue<string>() != "requires_capture")
            return (400, Unexpected(pi, "capture"));
        var amount = pi["amount_capturable"]!.GetValue<long>();
        pi["status"] = "succeeded";
        pi["amount_received"] = amount;
        pi["amount_capturable"] = 0;
        pi["latest_charge"] = "ch_" + pi["id"]!.GetValue<string>()[3..];
        pi["fee"] = amount * 29 / 1000 + 30; // kept on the side for the balance transaction
        return (200, Expand(pi, form));
    }

    (int, JsonNode) Cancel(JsonObject pi)
    {
        if (pi["status"]!.GetValue<string>() is "succeeded" or "canceled") return (400, Unexpected(pi, "cancel"));
        pi["status"] = "canceled";
        pi["amount_capturable"] = 0;
        pi["next_action"] = null;
        return (200, Public(pi));
    }

    (int, JsonNode) Refund(Dictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("payment_intent") ?? "";
        if (!intents.TryGetValue(id, out var pi)) return (404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", "payment_intent"));
        var received = pi["amount_received"]!.GetValue<long>();
        var refunded = pi["amount_refunded"]?.GetValue<long>() ?? 0;
        var amount = long.TryParse(form.GetValueOrDefault("amount"), out var a) ? a : received - refunded;
        if (pi["status"]!.GetValue<string>() != "succeeded")
            return (400, Error("invalid_request_error", "charge_not_captured", "This PaymentIntent has no captured charge to refund."));
        if (amount > received - refunded)
            return (400, Error("invalid_request_error", "amount_too_large", $"Refund amount ({amount}) is greater than unrefunded amount on charge ({received - refunded})", "amount"));
        pi["amount_refunded"] = refunded + amount;
        return (200, new JsonObject
        {
            ["id"] = "re_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), ["object"] = "refund", ["amount"] = amount,
            ["currency"] = pi["currency"]!.GetValue<string>(), ["payment_intent"] = id, ["status"] = "succeeded",
        });
    }

    (int, JsonNode) Found(string id, Func<JsonObject, (int, JsonNode)> then) =>
        intents.TryGetValue(id, out var pi) ? then(pi) : (404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", "intent"));

    /// <summary>expand[]=latest_charge.balance_transaction turns the charge id into the charge with its balance transaction (and the fee).</summary>
    static JsonObject Expand(JsonObject pi, Dictionary<string, string> form)
    {
        var copy = Public(pi);
        var expand = form.Where(f => f.Key.StartsWith("expand", StringComparison.Ordinal)).Select(f => f.Value).ToList();
        if (expand.Contains("latest_charge.balance_transaction") && pi["latest_charge"] is JsonValue charge)
            copy["latest_charge"] = new JsonObject
            {
                ["id"] = charge.GetValue<string>(), ["object"] = "charge", ["amount"] = pi["amount"]!.GetValue<long>(),
                ["captured"] = pi["status"]!.GetValue<string>() == "succeeded",
                ["balance_transaction"] = pi["fee"] is { } fee
                    ? new JsonObject { ["id"] = "txn_" + charge.GetValue<string>()[3..], ["object"] = "balance_transaction", ["fee"] = fee.GetValue<long>(), ["amount"] = pi["amount_received"]!.GetValue<long>() }
                    : null,
            };
        return copy;
    }

    static JsonObject Public(JsonObject pi)
    {
        var copy = (JsonObject)pi.DeepClone();
        copy.Remove("fee");
        copy.Remove("amount_refunded");
        return copy;
    }

    static JsonObject Unexpected(JsonObject pi, string action) =>
        Error("invalid_request_error", "payment_intent_unexpected_state", $"You cannot {action} this PaymentIntent because it has a status of {pi["status"]}.");

    static JsonObject Error(string type, string? code, string message, string? param = null) => new()
    {
        ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param, ["doc_url"] = code is null ? null : $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}" },
    };

    static string Mask(string header) => header.Length > 12 ? header[..12] + "****" : "****";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
