using System.Net;
using Encore.BuildingBlocks.Email;
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

    Task Send(string to, string subject, string text, string html) =>
        email.SendAsync(new EmailMessage(to, subject, text, html), CancellationToken.None);
}
