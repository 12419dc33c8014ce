using System.Buffers.Text;
using System.Security.Cryptography;
using Encore.Tickets.Codes;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Tickets;

public sealed class TicketTokenTests
{
    static readonly TicketClaims Claims = new(0x1234abcd, Guid.CreateVersion7(), Guid.CreateVersion7(), 3, false, Guid.CreateVersion7());

    [Fact]
    public void A_code_carries_its_claims_and_verifies_with_the_signing_key_only()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = TicketToken.Text(TicketToken.Sign(Claims, key));

        Assert.Equal(160, text.Length);
        var parsed = TicketToken.Parse(text)!;
        Assert.Equal(Claims, parsed.Claims);
        Assert.False(parsed.IsRotating);
        Assert.True(TicketToken.Verify(parsed, key));
        Assert.False(TicketToken.Verify(parsed, other));
    }

    [Fact]
    public void Changing_any_signed_byte_breaks_the_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bytes = TicketToken.Sign(Claims, key);
        // Each field of the payload (version excluded: another version does not parse) and the signature.
        foreach (var offset in new[] { 2, 10, 30, 38, 45, 60, 119 })
        {
            var tampered = (byte[])bytes.Clone();
            tampered[offset] ^= 0x01;
            if (TicketToken.Parse(TicketToken.Text(tampered)) is { } parsed)
                Assert.False(TicketToken.Verify(parsed, key), $"byte {offset} changed and the code still verified");
        }
        // Another generation, another place kind: the same.
        var older = (byte[])bytes.Clone();
        older[38] = 2;
        Assert.Equal(2, TicketToken.Parse(TicketToken.Text(older))!.Claims.Generation);
        Assert.False(TicketToken.Verify(TicketToken.Parse(TicketToken.Text(older))!, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a code")]
    [InlineData("AAAA")]
    public void Anything_else_does_not_parse(string text) => Assert.Null(TicketToken.Parse(text));

    [Fact]
    public void Wrong_version_length_or_generation_zero_does_not_parse()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bytes = TicketToken.Sign(Claims, key);
        var version = (byte[])bytes.Clone();
        version[0] = 2;
        Assert.Null(TicketToken.Parse(TicketToken.Text(version)));
        Assert.Null(TicketToken.Parse(TicketToken.Text(bytes[..^1])));
        var zero = (byte[])bytes.Clone();
        zero[37] = 0;
        zero[38] = 0;
        Assert.Null(TicketToken.Parse(TicketToken.Text(zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TicketToken.Payload(Claims with { Generation = 0 }));
    }

    [Fact]
    public void A_rotating_code_admits_only_within_a_step_of_now_and_only_for_its_ticket_and_generation()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 19, 0, 0, TimeSpan.Zero));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var eventSecret = RandomNumberGenerator.GetBytes(32);
        var signed = TicketToken.Sign(Claims, key);
        var secret = DisplayCode.TicketSecret(eventSecret, Claims.TicketId, Claims.Generation);
        var shown = TicketToken.Parse(TicketToken.Text(DisplayCode.Rotating(signed, secret, DisplayCode.StepAt(clock.GetUtcNow()))))!;

        Assert.True(shown.IsRotating);
        Assert.Equal(174, TicketToken.Text(DisplayCode.Rotating(signed, secret, 1)).Length);
        Assert.True(TicketToken.Verify(shown, key));
        Assert.True(DisplayCode.IsCurrent(shown, secret, clock.GetUtcNow()));

        // The next step still admits it (the screen refreshes while a gate reads it)…
        clock.Advance(TimeSpan.FromSeconds(DisplayCode.StepSeconds));
        Assert.True(DisplayCode.IsCurrent(shown, secret, clock.GetUtcNow()));
        // …two steps on, a screenshot is worthless.
        clock.Advance(TimeSpan.FromSeconds(DisplayCode.StepSeconds));
        Assert.False(DisplayCode.IsCurrent(shown, secret, clock.GetUtcNow()));

        var now = DisplayCode.StepAt(clock.GetUtcNow());
        var fresh = TicketToken.Parse(TicketToken.Text(DisplayCode.Rotating(signed, secret, now)))!;
        Assert.True(DisplayCode.IsCurrent(fresh, secret, clock.GetUtcNow()));
        // Another ticket's secret, or the same ticket after a reissue, does not make the MAC.
        Assert.False(DisplayCode.IsCurrent(fresh, DisplayCode.TicketSecret(eventSecret, Guid.NewGuid(), Claims.Generation), clock.GetUtcNow()));
        Assert.False(DisplayCode.IsCurrent(fresh, DisplayCode.TicketSecret(eventSecret, Claims.TicketId, Claims.Generation + 1), clock.GetUtcNow()));
        // A future step is refused as firmly as an old one.
        var ahead = TicketToken.Parse(TicketToken.Text(DisplayCode.Rotating(signed, secret, now + 2)))!;
        Assert.False(DisplayCode.IsCurrent(ahead, secret, clock.GetUtcNow()));
    }

    [Fact]
    public void The_published_jwk_alone_verifies_a_code()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var ticketKey = new TicketKey(Claims.KeyId, Guid.NewGuid(), DateTimeOffset.UtcNow, null, [.. q.X!, .. q.Y!], null);
        var ev = new EventKeys(ticketKey.EventId, Guid.NewGuid(), false, new byte[32], [ticketKey], DateTimeOffset.UtcNow);
        var jwk = PublicKeys.Of(ev).Keys.Single();
        Assert.Equal(("EC", "P-256", "ES256", "1234abcd"), (jwk.Kty, jwk.Crv, jwk.Alg, jwk.Kid));

        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
        });
        var code = TicketToken.Parse(TicketToken.Text(TicketToken.Sign(Claims, key)))!;
        Assert.True(TicketToken.Verify(code, verifier));
        Assert.True(ticketKey.Verify(code));
    }
}
