using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Encore.BuildingBlocks.Email;

public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null)
{
    /// <summary>Files sent with the message; one with a <see cref="EmailAttachment.ContentId"/> is shown inside the HTML body (<c>cid:</c>).</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
}

/// <summary>A file sent with a message (a ticket PDF, a QR image the HTML body shows inline).</summary>
/// <param name="FileName">The name the recipient sees.</param>
/// <param name="ContentType">Its media type, e.g. <c>application/pdf</c>.</param>
/// <param name="Content">The bytes.</param>
/// <param name="ContentId">Set for an image the HTML body shows as <c>cid:ContentId</c>; null for an ordinary attachment.</param>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content, string? ContentId = null);

/// <summary>The email port: SMTP when configured, the development mailbox otherwise.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

public sealed record SmtpOptions
{
    public string Host { get; init; } = "";
    public int Port { get; init; } = 587;
    public string? UserName { get; init; }
    public string? Password { get; init; }
    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    public string Security { get; init; } = "Auto";
    public string From { get; init; } = "Encore <tickets@encore.invalid>";
}

internal sealed class SmtpEmailSender(SmtpOptions options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        foreach (var file in message.Attachments)
        {
            var type = ContentType.Parse(file.ContentType);
            if (file.ContentId is { } contentId && message.HtmlBody is not null)
            {
                var inline = body.LinkedResources.Add(file.FileName, file.Content, type);
                inline.ContentId = contentId;
            }
            else
            {
                body.Attachments.Add(file.FileName, file.Content, type);
            }
        }
        mime.Body = body.ToMessageBody();

        using var client = new SmtpClient();
        await client.ConnectAsync(options.Host, options.Port, Enum.Parse<SecureSocketOptions>(options.Security, ignoreCase: true), ct);
        if (!string.IsNullOrEmpty(options.UserName))
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

public sealed record MailboxEntry(Guid Id, DateTimeOffset SentAt, EmailMessage Message);

/// <summary>
/// The embedded default's mail sink: keeps the newest messages in memory so a developer reads
/// confirmation and reset mails on the mailbox page. Never used once SMTP is configured.
/// </summary>
public sealed class DevelopmentMailbox(TimeProvider clock) : IEmailSender
{
    const int Capacity = 500;
    readonly ConcurrentQueue<MailboxEntry> messages = new();

    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        messages.Enqueue(new MailboxEntry(Ids.New(), clock.GetUtcNow(), message));
        while (messages.Count > Capacity) messages.TryDequeue(out _);
        return Task.CompletedTask;
    }

    public IReadOnlyList<MailboxEntry> Newest() => messages.Reverse().ToList();

    public MailboxEntry? Find(Guid id) => messages.FirstOrDefault(m => m.Id == id);
}

public static class EmailRegistration
{
    /// <summary>SMTP when <c>Encore:Email:Smtp:Host</c> is set; otherwise the development mailbox.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        var smtp = configuration.GetSection("Encore:Email:Smtp").Get<SmtpOptions>();
        if (smtp is { Host.Length: > 0 })
        {
            services.AddSingleton(smtp);
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        else
        {
            services.AddSingleton<DevelopmentMailbox>();
            services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<DevelopmentMailbox>());
        }
        return services;
    }
}
