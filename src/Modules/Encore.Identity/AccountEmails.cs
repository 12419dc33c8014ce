using System.Net;
using Encore.BuildingBlocks.Email;
using Encore.Identity.Sessions;
using Microsoft.AspNetCore.Identity;

namespace Encore.Identity;

/// <summary>Account mails (confirmation, password reset) sent through the email port.</summary>
internal sealed class AccountEmails(IEmailSender email) : IEmailSender<EncoreUser>
{
    public Task SendConfirmationLinkAsync(EncoreUser user, string email, string confirmationLink) =>
        Send(email, "Confirm your Encore account",
            $"Welcome to Encore. Confirm your email address to start buying tickets:\n\n{WebUtility.HtmlDecode(confirmationLink)}\n\nIf you did not sign up, ignore this message.",
            $"<p>Welcome to Encore. Confirm your email address to start buying tickets:</p><p><a href=\"{confirmationLink}\">Confirm my email address</a></p><p>If you did not sign up, ignore this message.</p>");

    public Task SendPasswordResetLinkAsync(EncoreUser user, string email, string resetLink) =>
        Send(email, "Reset your Encore password",
            $"Someone asked to reset the password of this Encore account. If it was you, follow this link:\n\n{WebUtility.HtmlDecode(resetLink)}\n\nIf it was not you, ignore this message: your password stays as it is.",
            $"<p>Someone asked to reset the password of this Encore account. If it was you:</p><p><a href=\"{resetLink}\">Choose a new password</a></p><p>If it was not you, ignore this message: your password stays as it is.</p>");

    public Task SendPasswordResetCodeAsync(EncoreUser user, string email, string resetCode) =>
        Send(email, "Your Encore password reset code",
            $"Your password reset code is:\n\n{resetCode}\n\nIf you did not ask for it, ignore this message.",
            $"<p>Your password reset code is:</p><p><code>{WebUtility.HtmlEncode(resetCode)}</code></p><p>If you did not ask for it, ignore this message.</p>");

    public Task SendSignInPausedAsync(string email, TimeSpan pause) =>
        Send(email, "Sign-in to your Encore account was paused",
            $"Someone typed a wrong password for this Encore account several times, so we paused sign-in for {Describe(pause)}; each further wrong password makes the pause longer.\n\nIf it was you, wait and try again, or reset your password. If it was not you, your password has not been guessed, but choose a long, unique one to be safe.",
            $"<p>Someone typed a wrong password for this Encore account several times, so we paused sign-in for {Describe(pause)}; each further wrong password makes the pause longer.</p><p>If it was you, wait and try again, or reset your password. If it was not you, your password has not been guessed, but choose a long, unique one to be safe.</p>");

    public Task SendStepUpCodeAsync(string email, string code, StepUpReason reason, string device, string? country, TimeSpan lifetime)
    {
        var why = reason == StepUpReason.NewCountry ? $"from a country this account has not signed in from before ({country})" : $"on a device this account has not used before ({device})";
        return Send(email, $"Your Encore sign-in code: {code}",
            $"Someone signed in to your Encore account with your password {why}. To finish signing in, enter this code on the sign-in page:\n\n{code}\n\nIt works once, for {Describe(lifetime)}. If it was not you, do not share the code: change your password now.",
            $"<p>Someone signed in to your Encore account with your password {WebUtility.HtmlEncode(why)}. To finish signing in, enter this code on the sign-in page:</p><p><strong>{code}</strong></p><p>It works once, for {Describe(lifetime)}. If it was not you, do not share the code: change your password now.</p>");
    }

    public Task SendNewSignInAsync(string email, StepUpReason reason, string device, string? country, DateTimeOffset at)
    {
        var where = country is null ? device : $"{device}, {country}";
        var when = at.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        return Send(email, "New sign-in to your Encore account",
            $"Your Encore account was signed in to {(reason == StepUpReason.NewCountry ? "from a new country" : "on a new device")}: {where}, at {when}.\n\nIf it was you, there is nothing to do. If not, change your password and sign out the sessions you do not recognise under My account → Sessions.",
            $"<p>Your Encore account was signed in to {(reason == StepUpReason.NewCountry ? "from a new country" : "on a new device")}: {WebUtility.HtmlEncode(where)}, at {when}.</p><p>If it was you, there is nothing to do. If not, change your password and sign out the sessions you do not recognise under My account → Sessions.</p>");
    }

    static string Describe(TimeSpan span) =>
        span >= TimeSpan.FromMinutes(1)
            ? $"{Math.Ceiling(span.TotalMinutes):0} minute{(Math.Ceiling(span.TotalMinutes) == 1 ? "" : "s")}"
            : $"{Math.Max(1, Math.Ceiling(span.TotalSeconds)):0} seconds";

    Task Send(string to, string subject, string text, string html) =>
        email.SendAsync(new EmailMessage(to, subject, text, html), CancellationToken.None);
}
