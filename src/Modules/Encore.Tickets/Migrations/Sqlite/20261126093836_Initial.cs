using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Tickets.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tickets_events",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequireRotatingCodes = table.Column<bool>(type: "INTEGER", nullable: false),
                    DisplaySecretProtected = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_events", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "tickets_inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "tickets_offline_check_ins",
                columns: table => new
                {
                    Scanner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ClientScanId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Gate = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ScannedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SyncedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    FirstCheckedInAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstGate = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_offline_check_ins", x => new { x.Scanner, x.ClientScanId });
                });

            migrationBuilder.CreateTable(
                name: "tickets_outbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    processed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tickets_performances",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    VenueName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    VenueCity = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DoorsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RefreshedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_performances", x => x.PerformanceId);
                });

            migrationBuilder.CreateTable(
                name: "tickets_scanner_devices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReplaySecretProtected = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_scanner_devices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tickets_signing_keys",
                columns: table => new
                {
                    KeyId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RetiredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PublicKey = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false),
                    PrivateKeyProtected = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_signing_keys", x => x.KeyId);
                });

            migrationBuilder.CreateTable(
                name: "tickets_tickets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HolderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HolderName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SectionCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RowLabel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SeatLabel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    TierId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TierName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FaceValue = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Generation = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    VoidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CheckedInAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CheckedInGate = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CheckedInOffline = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tickets_tickets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_offline_check_ins_TicketId",
                table: "tickets_offline_check_ins",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_outbox_messages_status_next_attempt_at",
                table: "tickets_outbox_messages",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_performances_EventId",
                table: "tickets_performances",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_scanner_devices_ClientId",
                table: "tickets_scanner_devices",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_scanner_devices_EventId_IdempotencyKey",
                table: "tickets_scanner_devices",
                columns: new[] { "EventId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_signing_keys_EventId",
                table: "tickets_signing_keys",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_tickets_AdmissionId",
                table: "tickets_tickets",
                column: "AdmissionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_tickets_EventId_Status",
                table: "tickets_tickets",
                columns: new[] { "EventId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_tickets_HolderId",
                table: "tickets_tickets",
                column: "HolderId");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_tickets_OrderId",
                table: "tickets_tickets",
                column: "OrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tickets_events");

            migrationBuilder.DropTable(
                name: "tickets_inbox_messages");

            migrationBuilder.DropTable(
                name: "tickets_offline_check_ins");

            migrationBuilder.DropTable(
                name: "tickets_outbox_messages");

            migrationBuilder.DropTable(
                name: "tickets_performances");

            migrationBuilder.DropTable(
                name: "tickets_scanner_devices");

            migrationBuilder.DropTable(
                name: "tickets_signing_keys");

            migrationBuilder.DropTable(
                name: "tickets_tickets");
        }
    }
}
