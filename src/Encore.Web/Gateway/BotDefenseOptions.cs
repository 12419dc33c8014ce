namespace Encore.Web.Gateway;

/// <summary><c>Encore:BotDefense</c>: which human check guards the endpoints that ask for one, and its settings.</summary>
internal sealed class BotDefenseOptions
{
    public const string Section = "Encore:BotDefense";

    /// <summary><c>ProofOfWork</c> (the built-in default, ALTCHA protocol) or <c>HCaptcha</c>.</summary>
    public string Provider { get; set; } = "ProofOfWork";

    public ProofOfWorkOptions ProofOfWork { get; set; } = new();

    public HCaptchaOptions HCaptcha { get; set; } = new();

    /// <summary>Redis keys (spent proofs) start with this.</summary>
    public string KeyPrefix { get; set; } = "encore:pow:";

    internal sealed class ProofOfWorkOptions
    {
        /// <summary>
        /// The HMAC key that signs challenges. Unset, every instance uses one generated on first use and
        /// kept in the database, sealed by Data Protection. Set it (from a secret store) to rotate it.
        /// </summary>
        public string? HmacKey { get; set; }

        /// <summary>The largest number a challenge hides for a buyer who looks like a person; a browser tries half of them on average.</summary>
        public int MaxNumber { get; set; } = 50_000;

        /// <summary>Risk scores from which the difficulty is multiplied by <see cref="RiskyFactor"/> (once, then twice).</summary>
        public int RiskyScore { get; set; } = 30;
        public int VeryRiskyScore { get; set; } = 60;
        public int RiskyFactor { get; set; } = 10;

        /// <summary>How long a challenge may be solved and used.</summary>
        public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);
    }

    internal sealed class HCaptchaOptions
    {
        public string? SiteKey { get; set; }
        public string? Secret { get; set; }
        public Uri VerifyUrl { get; set; } = new("https://api.hcaptcha.com/siteverify");
        /// <summary>When set, a token solved on another host name is refused.</summary>
        public string? ExpectedHostname { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
    }

    public void Validate()
    {
        var pow = ProofOfWork;
        if (pow.MaxNumber is < 1 or > 100_000_000 || pow.RiskyFactor is < 1 or > 1000 || pow.ChallengeLifetime <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:ProofOfWork: MaxNumber 1..100000000, RiskyFactor 1..1000, a positive ChallengeLifetime.");
        if (pow.HmacKey is { Length: < 32 })
            throw new InvalidOperationException($"{Section}:ProofOfWork:HmacKey must be at least 32 characters.");
        if (string.Equals(Provider, "HCaptcha", StringComparison.OrdinalIgnoreCase) && (HCaptcha.Secret is not { Length: > 0 } || HCaptcha.SiteKey is not { Length: > 0 }))
            throw new InvalidOperationException($"{Section}:HCaptcha:Secret and SiteKey are required when {Section}:Provider is HCaptcha.");
    }
}
