using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Sessions;

internal enum StepUpReason { None = 0, NewDevice = 1, NewCountry = 2 }

/// <summary>What is known about a sign-in when the policy decides whether it must prove more.</summary>
/// <param name="SecondFactor">The sign-in already used a second factor (authenticator code, passkey): that satisfies step-up.</param>
internal sealed record SignInAttempt(Guid UserId, Guid DeviceId, string? Country, bool SecondFactor);

/// <summary>
/// Whether a sign-in must prove more than the password before its session works. The seam for
/// other proofs: a sign-in that used TOTP or a passkey reports <see cref="SignInAttempt.SecondFactor"/>,
/// and a pending session is completed through <see cref="UserSessions.CompleteStepUpAsync"/>.
/// </summary>
internal interface IStepUpPolicy
{
    Task<StepUpReason> DecideAsync(SignInAttempt attempt, CancellationToken ct);
}

internal sealed class StepUpOptions
{
    public const string Section = "Encore:Identity:StepUp";
    public bool Enabled { get; set; } = true;
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxAttempts { get; set; } = 5;
}

internal sealed class DeviceAndCountryStepUpPolicy(IdentityDb db, IOptions<StepUpOptions> options) : IStepUpPolicy
{
    public async Task<StepUpReason> DecideAsync(SignInAttempt attempt, CancellationToken ct)
    {
        if (!options.Value.Enabled || attempt.SecondFactor) return StepUpReason.None;
        var devices = await db.KnownDevices.Where(d => d.UserId == attempt.UserId).Select(d => d.DeviceId).ToListAsync(ct);
        // The first browser an account ever completes a sign-in on is enrolled without a code: the
        // account was just created and its address confirmed, so there is nothing to compare with.
        if (devices.Count == 0) return StepUpReason.None;
        if (!devices.Contains(attempt.DeviceId)) return StepUpReason.NewDevice;
        if (attempt.Country is { } country)
        {
            var countries = await db.KnownCountries.Where(c => c.UserId == attempt.UserId).Select(c => c.Country).ToListAsync(ct);
            if (countries.Count > 0 && !countries.Contains(country)) return StepUpReason.NewCountry;
        }
        return StepUpReason.None;
    }
}
