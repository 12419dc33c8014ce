using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>
/// VAT invoices of one seller issued side by side, as an on-sale's paid orders have them issued:
/// how many a second the numbering lets through, and whether the numbers came out 1…n without a
/// gap or a repeat. Each operation posts an invoice with a new reference to the admin API.
/// </summary>
public sealed class InvoiceWorkload(string adminToken) : Workload
{
    readonly Guid seller = Guid.CreateVersion7();
    readonly ConcurrentBag<long> numbers = [];
    long next, failed;

    public override async Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct)
    {
        var reference = $"bench-order:{Interlocked.Increment(ref next)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/tax/invoices")
        {
            Content = new StringContent(Body(reference), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            recorder.Add("invoice", status, intended);
            if (status == 201) numbers.Add(JsonNode.Parse(text)!["sequence"]!.GetValue<long>());
            else Interlocked.Increment(ref failed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            recorder.Add("invoice", 0, intended);
            Interlocked.Increment(ref failed);
        }
    }

    string Body(string reference) => new JsonObject
    {
        ["sellerId"] = seller,
        ["sourceReference"] = reference,
        ["seller"] = new JsonObject { ["name"] = "Bench Promotions GmbH", ["address"] = "Konzertplatz 1\n10117 Berlin", ["country"] = "DE", ["vatNumber"] = "DE123456789" },
        ["buyer"] = new JsonObject { ["name"] = "Bench Buyer", ["address"] = "buyer@bench.test", ["country"] = "DE" },
        ["currency"] = "EUR",
        ["supplyDate"] = "2027-06-20",
        ["lines"] = new JsonArray(
            new JsonObject { ["description"] = "Admission: Seated", ["quantity"] = 2, ["net"] = 18_692, ["ratePpm"] = 70_000, ["tax"] = 1_308, ["taxName"] = "VAT" },
            new JsonObject { ["description"] = "Service fee", ["quantity"] = 2, ["net"] = 2_000, ["ratePpm"] = 190_000, ["tax"] = 380, ["taxName"] = "VAT" }),
    }.ToJsonString();

    /// <summary>Every invoice answered 201 has a number of its own, and together they are 1…n.</summary>
    public bool Gapless => numbers.Order().Select((n, i) => n == i + 1).All(ok => ok);

    public override string Check()
    {
        var count = numbers.Count;
        return $"issued {count}, numbered 1…{(count == 0 ? 0 : numbers.Max())} {(Gapless ? "without a gap or a repeat" : "WITH GAPS OR REPEATS")}; not issued: {Interlocked.Read(ref failed)}";
    }
}
