using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_idempotency_keys",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: false),
                    Location = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_idempotency_keys", x => new { x.UserId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "catalog_inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "catalog_organizers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_organizers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_outbox_messages",
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
                    table.PrimaryKey("PK_catalog_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_organizer_members",
                columns: table => new
                {
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_organizer_members", x => new { x.OrganizerId, x.UserId });
                    table.ForeignKey(
                        name: "FK_catalog_organizer_members_catalog_organizers_OrganizerId",
                        column: x => x.OrganizerId,
                        principalTable: "catalog_organizers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_venues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CountryCode = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_venues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_venues_catalog_organizers_OrganizerId",
                        column: x => x.OrganizerId,
                        principalTable: "catalog_organizers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_events",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VenueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Genre = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ImageUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    SoldOut = table.Column<bool>(type: "INTEGER", nullable: false),
                    CancellationReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_events_catalog_organizers_OrganizerId",
                        column: x => x.OrganizerId,
                        principalTable: "catalog_organizers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_catalog_events_catalog_venues_VenueId",
                        column: x => x.VenueId,
                        principalTable: "catalog_venues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_sections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    VenueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PriceZone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: true),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    X = table.Column<int>(type: "INTEGER", nullable: true),
                    Y = table.Column<int>(type: "INTEGER", nullable: true),
                    Width = table.Column<int>(type: "INTEGER", nullable: true),
                    Height = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_sections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_sections_catalog_venues_VenueId",
                        column: x => x.VenueId,
                        principalTable: "catalog_venues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_on_sale_windows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AccessCodeHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_on_sale_windows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_on_sale_windows_catalog_events_EventId",
                        column: x => x.EventId,
                        principalTable: "catalog_events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_performances",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsAtLocal = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DoorsAtLocal = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DurationMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    StartsAtUtc = table.Column<long>(type: "INTEGER", nullable: false),
                    DoorsAtUtc = table.Column<long>(type: "INTEGER", nullable: false),
                    EndsAtUtc = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_performances", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_performances_catalog_events_EventId",
                        column: x => x.EventId,
                        principalTable: "catalog_events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_ticket_tiers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PriceMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    SectionCodes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PriceZone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    MinPerOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxPerOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_ticket_tiers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_ticket_tiers_catalog_events_EventId",
                        column: x => x.EventId,
                        principalTable: "catalog_events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_rows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_rows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_rows_catalog_sections_SectionId",
                        column: x => x.SectionId,
                        principalTable: "catalog_sections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_seats",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    X = table.Column<double>(type: "REAL", nullable: false),
                    Y = table.Column<double>(type: "REAL", nullable: false),
                    Wheelchair = table.Column<bool>(type: "INTEGER", nullable: false),
                    Companion = table.Column<bool>(type: "INTEGER", nullable: false),
                    RestrictedView = table.Column<bool>(type: "INTEGER", nullable: false),
                    Aisle = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_seats", x => x.Id);
                    table.ForeignKey(
                        name: "FK_catalog_seats_catalog_rows_RowId",
                        column: x => x.RowId,
                        principalTable: "catalog_rows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_catalog_events_OrganizerId",
                table: "catalog_events",
                column: "OrganizerId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_events_Slug",
                table: "catalog_events",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_events_Status_Genre",
                table: "catalog_events",
                columns: new[] { "Status", "Genre" });

            migrationBuilder.CreateIndex(
                name: "IX_catalog_events_VenueId",
                table: "catalog_events",
                column: "VenueId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_idempotency_keys_CreatedAt",
                table: "catalog_idempotency_keys",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_on_sale_windows_EventId",
                table: "catalog_on_sale_windows",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_organizer_members_UserId",
                table: "catalog_organizer_members",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_organizers_Slug",
                table: "catalog_organizers",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_outbox_messages_status_next_attempt_at",
                table: "catalog_outbox_messages",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_catalog_performances_EventId",
                table: "catalog_performances",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_performances_StartsAtUtc",
                table: "catalog_performances",
                column: "StartsAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_rows_SectionId_Label",
                table: "catalog_rows",
                columns: new[] { "SectionId", "Label" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_seats_RowId_Label",
                table: "catalog_seats",
                columns: new[] { "RowId", "Label" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_sections_VenueId_Code",
                table: "catalog_sections",
                columns: new[] { "VenueId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_ticket_tiers_EventId",
                table: "catalog_ticket_tiers",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_venues_OrganizerId",
                table: "catalog_venues",
                column: "OrganizerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_idempotency_keys");

            migrationBuilder.DropTable(
                name: "catalog_inbox_messages");

            migrationBuilder.DropTable(
                name: "catalog_on_sale_windows");

            migrationBuilder.DropTable(
                name: "catalog_organizer_members");

            migrationBuilder.DropTable(
                name: "catalog_outbox_messages");

            migrationBuilder.DropTable(
                name: "catalog_performances");

            migrationBuilder.DropTable(
                name: "catalog_seats");

            migrationBuilder.DropTable(
                name: "catalog_ticket_tiers");

            migrationBuilder.DropTable(
                name: "catalog_rows");

            migrationBuilder.DropTable(
                name: "catalog_events");

            migrationBuilder.DropTable(
                name: "catalog_sections");

            migrationBuilder.DropTable(
                name: "catalog_venues");

            migrationBuilder.DropTable(
                name: "catalog_organizers");
        }
    }
}
