using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Email;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Email;

public sealed class EmailTests
{
    [Fact]
    public async Task The_smtp_adapter_delivers_subject_recipient_and_both_bodies()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var sender = new SmtpEmailSender(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "Encore <tickets@encore.test>" });

        await sender.SendAsync(new EmailMessage("ada@example.test", "Your tickets", "Row F, seat 12.", "<p>Row F, seat <b>12</b>.</p>"), CancellationToken.None);

        var message = await smtp.NextMessageAsync();
        Assert.Equal("Your tickets", message.Subject);
        Assert.Equal("ada@example.test", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("tickets@encore.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Row F, seat 12.", message.TextBody?.Trim());
        Assert.Contains("seat <b>12</b>", message.HtmlBody);
    }

    [Fact]
    public async Task The_smtp_adapter_fails_loudly_when_no_server_answers()
    {
        var sender = new SmtpEmailSender(new SmtpOptions { Host = "127.0.0.1", Port = 1, Security = "None" });

        await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(new EmailMessage("ada@example.test", "x", "y"), CancellationToken.None));
    }

    [Fact]
    public async Task Without_smtp_configured_account_mail_goes_to_the_development_mailbox()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();

        var register = await client.PostAsJsonAsync("/api/identity/register", new { email = "newbuyer@example.test", password = "a long enough passphrase" });

        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.IsType<DevelopmentMailbox>(app.Service<IEmailSender>());
        var mail = Assert.Single(app.Service<DevelopmentMailbox>().Newest());
        Assert.Equal("newbuyer@example.test", mail.Message.To);
        Assert.Equal("Confirm your Encore account", mail.Message.Subject);
    }

    [Fact]
    public async Task With_smtp_configured_account_mail_goes_out_over_smtp()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        await using var app = EncoreAppFactory.Sqlite()
            .With("Encore:Email:Smtp:Host", "127.0.0.1")
            .With("Encore:Email:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Encore:Email:Smtp:Security", "None");
        var client = app.CreateClient();

        var register = await client.PostAsJsonAsync("/api/identity/register", new { email = "smtpbuyer@example.test", password = "a long enough passphrase" });

        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        var message = await smtp.NextMessageAsync();
        Assert.Equal("Confirm your Encore account", message.Subject);
        Assert.Equal("smtpbuyer@example.test", Assert.Single(message.To.Mailboxes).Address);
        Assert.Contains("/api/identity/confirmEmail?", message.TextBody);
        Assert.Null(app.Services.GetService<DevelopmentMailbox>());
    }
}
