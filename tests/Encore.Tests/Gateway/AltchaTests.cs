using System.Text;
using System.Text.Json.Nodes;
using Encore.Web.Gateway;

namespace Encore.Tests.Gateway;

/// <summary>The ALTCHA protocol itself: what a valid proof is, and every way one is refused.</summary>
public sealed class AltchaTests
{
    const string Key = "test-hmac-key-of-at-least-32-characters";
    static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    static (AltchaChallenge Challenge, string Payload) Solved(string scope = "hold", long max = 500, string key = Key, DateTimeOffset? expires = null)
    {
        var challenge = Altcha.Create(key, scope, max, expires ?? Now.AddMinutes(5));
        return (challenge, ProofOfWorkClient.Solve(challenge));
    }

    static AltchaVerdict Verify(string payload, string scope = "hold", long required = 100, DateTimeOffset? now = null) =>
        Altcha.Verify(payload, Key, scope, required, now ?? Now, out _, out _);

    [Fact]
    public void A_challenge_follows_the_protocol_and_its_solution_verifies()
    {
        var (challenge, payload) = Solved();
        Assert.Equal("SHA-256", challenge.Algorithm);
        Assert.Equal(500, challenge.Maxnumber);
        Assert.Matches("^[0-9a-f]{24}\\?expires=\\d+&scope=hold&max=500&$", challenge.Salt);
        Assert.Equal(Altcha.Hash(challenge.Salt, Altcha.Solve(challenge)!.Value), challenge.Challenge);
        Assert.Equal(Altcha.Sign(Key, challenge.Challenge), challenge.Signature);

        // The payload is base64 JSON with exactly the fields the widget sends.
        var json = JsonNode.Parse(Convert.FromBase64String(payload))!.AsObject();
        Assert.Equal(["algorithm", "challenge", "number", "salt", "signature"], json.Select(p => p.Key).Order());
        Assert.Equal(AltchaVerdict.Valid, Verify(payload));
    }

    [Fact]
    public void A_challenge_signed_with_another_key_is_refused()
    {
        var (_, payload) = Solved(key: "another-hmac-key-of-at-least-32-chars!!");
        Assert.Equal(AltchaVerdict.BadSignature, Verify(payload));
    }

    [Fact]
    public void A_wrong_number_or_an_edited_salt_is_refused()
    {
        var (challenge, _) = Solved();
        var number = Altcha.Solve(challenge)!.Value;
        var wrong = Altcha.Encode(new AltchaPayload(challenge.Algorithm, challenge.Challenge, number + 1, challenge.Salt, challenge.Signature));
        Assert.Equal(AltchaVerdict.BadSignature, Verify(wrong));
        // Stretching the expiry (or the scope) changes the salt, so the hash no longer matches.
        var stretched = Altcha.Encode(new AltchaPayload(challenge.Algorithm, challenge.Challenge, number,
            challenge.Salt.Replace("scope=hold", "scope=queue-join", StringComparison.Ordinal), challenge.Signature));
        Assert.Equal(AltchaVerdict.BadSignature, Verify(stretched, scope: "queue-join"));
    }

    [Fact]
    public void An_expired_challenge_is_refused()
    {
        var (_, payload) = Solved(expires: Now.AddMinutes(5));
        Assert.Equal(AltchaVerdict.Valid, Verify(payload, now: Now.AddMinutes(5).AddSeconds(-1)));
        Assert.Equal(AltchaVerdict.Expired, Verify(payload, now: Now.AddMinutes(5)));
    }

    [Fact]
    public void A_proof_solved_for_one_scope_is_refused_by_another()
    {
        var (_, payload) = Solved(scope: "queue-join");
        Assert.Equal(AltchaVerdict.WrongScope, Verify(payload, scope: "hold"));
        Assert.Equal(AltchaVerdict.Valid, Verify(payload, scope: "queue-join"));
    }

    [Fact]
    public void A_proof_easier_than_the_buyer_now_needs_is_refused()
    {
        var (_, payload) = Solved(max: 100);
        Assert.Equal(AltchaVerdict.Valid, Verify(payload, required: 100));
        Assert.Equal(AltchaVerdict.TooEasy, Verify(payload, required: 1000));
    }

    [Fact]
    public void A_number_beyond_the_challenge_range_is_refused()
    {
        // Only someone with the key could sign such a challenge; the range check still holds on its own.
        var salt = "00112233445566778899aabb?expires=" + Now.AddMinutes(5).ToUnixTimeSeconds() + "&scope=hold&max=100&";
        var challenge = Altcha.Hash(salt, 101);
        var payload = Altcha.Encode(new AltchaPayload("SHA-256", challenge, 101, salt, Altcha.Sign(Key, challenge)));
        Assert.Equal(AltchaVerdict.OutOfRange, Verify(payload, required: 100));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all")]
    [InlineData("bnVsbA==")]
    [InlineData("eyJhbGdvcml0aG0iOiJNRDUifQ==")]
    public void Garbage_is_malformed(string payload) => Assert.Equal(AltchaVerdict.Malformed, Verify(payload));

    [Fact]
    public void Another_algorithm_is_malformed()
    {
        var (challenge, _) = Solved();
        var md5 = Altcha.Encode(new AltchaPayload("SHA-1", challenge.Challenge, Altcha.Solve(challenge), challenge.Salt, challenge.Signature));
        Assert.Equal(AltchaVerdict.Malformed, Verify(md5));
        Assert.Equal(AltchaVerdict.Malformed, Verify(Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('x', 3000)))));
    }
}
