using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Orders;
using Encore.Tests.Catalog;
using Encore.Tickets.Codes;

namespace Encore.Tests.Tickets;

/// <summary>A scanner without a network: it downloads keys and the revocation list, verifies alone, syncs later, and hears of conflicts.</summary>
public sealed class OfflineSyncTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Offline_check_ins_sync_once_and_report_double_admissions_and_revoked_tickets(StorageProvider provider)
    {
        var (app, clock, sale, paid, holder) = await ScanningTests.NightAsync(provider, "A1", "A2", "A3");
        await using var _app = app;
        var ids = await holder.TicketIdsByPlaceAsync();
        var code = new Dictionary<string, string>();
        foreach (var seat in new[] { "A1", "A2", "A3" }) code[seat] = await holder.CodeAsync(ids[TicketsHarness.Seat(seat)]);
        await app.PublishAsync(new AdmissionsRefunded(paid.OrderId, Guid.NewGuid(), sale.EventId, sale.PerformanceId,
            [paid.Admissions.Single(a => a.SeatLabel == "3").AdmissionId], false, DateTimeOffset.UtcNow));

        var doors = sale.Schedule.DoorsAt;
        clock.SetUtcNow(doors.AddMinutes(1));
        var scanner = await app.SignedInAsync("scanner@encore.test");

        // The bundle: keys as a JWKS, the revocation list, nothing admitted yet.
        var bundle = await (await scanner.GetAsync($"/api/scanner/events/{sale.EventId}/offline")).ReadJsonAsync();
        Assert.Equal([ids[TicketsHarness.Seat("A3")]], bundle["voided"]!.AsArray().Select(n => n!.GetValue<Guid>()));
        Assert.Empty(bundle["admitted"]!.AsArray());
        Assert.Null(bundle["displaySecret"]);
        // Gates admit until the end (no Encore:Tickets:AdmitAfterEndMinutes here): the device needs no setting of its own.
        var window = bundle["performances"]!.AsArray().Single()!;
        Assert.Equal(window["endsAt"]!.GetValue<DateTimeOffset>(), window["admitUntil"]!.GetValue<DateTimeOffset>());
        // The device judges A1 genuine with the JWKS alone.
        var jwk = bundle["keys"]!["keys"]!.AsArray().Single()!;
        using (var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]!.GetValue<string>()), Y = Base64Url.DecodeFromChars(jwk["y"]!.GetValue<string>()) },
        }))
        {
            var parsed = TicketToken.Parse(code["A1"])!;
            Assert.Equal(jwk["kid"]!.GetValue<string>(), TicketKey.KidOf(parsed.Claims.KeyId));
            Assert.True(TicketToken.Verify(parsed, key));
        }

        // Online, A2 gets in at the main gate while the east and west gates are offline.
        clock.SetUtcNow(doors.AddMinutes(5));
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, code["A2"], "Main")).Outcome());

        clock.SetUtcNow(doors.AddMinutes(20));
        var sync = new
        {
            checkIns = new object[]
            {
                new { clientScanId = "east-1", code = code["A1"], gate = "East", scannedAt = doors.AddMinutes(2) },
                new { clientScanId = "west-1", code = code["A1"], gate = "West", scannedAt = doors.AddMinutes(3) },
                new { clientScanId = "east-2", code = code["A2"], gate = "East", scannedAt = doors.AddMinutes(6) },
                new { clientScanId = "west-2", code = code["A3"], gate = "West", scannedAt = doors.AddMinutes(7) },
                new { clientScanId = "west-3", code = "garbage", gate = "West", scannedAt = doors.AddMinutes(8) },
            },
        };
        var response = await scanner.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/offline/sync", sync);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadJsonAsync();
        Assert.Equal(1, result["recorded"]!.GetValue<int>());
        Assert.Equal(4, result["conflicts"]!.GetValue<int>());
        var byId = result["results"]!.AsArray().ToDictionary(r => r!["clientScanId"]!.GetValue<string>(), r => r!.AsObject());
        Assert.Equal("Recorded", byId["east-1"]["outcome"]!.GetValue<string>());
        Assert.Equal("AdmittedOfflineElsewhere", byId["west-1"]["outcome"]!.GetValue<string>());
        Assert.Equal("East", byId["west-1"]["firstGate"]!.GetValue<string>());
        Assert.Equal(doors.AddMinutes(2), byId["west-1"]["firstScannedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("AlreadyAdmittedOnline", byId["east-2"]["outcome"]!.GetValue<string>());
        Assert.Equal("Main", byId["east-2"]["firstGate"]!.GetValue<string>());
        Assert.Equal("Voided", byId["west-2"]["outcome"]!.GetValue<string>());
        Assert.Equal("Invalid", byId["west-3"]["outcome"]!.GetValue<string>());

        // A retried upload changes nothing and answers the same.
        var again = await (await scanner.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/offline/sync", sync)).ReadJsonAsync();
        Assert.Equal(result.ToJsonString(), again.ToJsonString());

        // Online, A1 is now a duplicate of the east gate's offline admission; the next bundle lists it.
        var duplicate = await scanner.ScanAsync(sale.EventId, code["A1"], "Main");
        Assert.Equal(("AlreadyAdmitted", "East", true), (duplicate.Outcome(), duplicate["firstGate"]!.GetValue<string>(), duplicate["firstOffline"]!.GetValue<bool>()));
        var later = await (await scanner.GetAsync($"/api/scanner/events/{sale.EventId}/offline")).ReadJsonAsync();
        Assert.Equal(2, later["admitted"]!.AsArray().Count);
    }
}
