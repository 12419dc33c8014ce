using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.WaitingRoom.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "waitingroom");

            migrationBuilder.CreateTable(
                name: "admission_keys",
                schema: "waitingroom",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Period = table.Column<long>(type: "bigint", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RetiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_admission_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "queues",
                schema: "waitingroom",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "uuid", nullable: false),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PreQueueOpensAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AdmitPerMinute = table.Column<int>(type: "integer", nullable: true),
                    MaxActive = table.Column<int>(type: "integer", nullable: true),
                    TokenMinutes = table.Column<int>(type: "integer", nullable: false),
                    MaxQueueSize = table.Column<int>(type: "integer", nullable: false),
                    CheckInSeconds = table.Column<int>(type: "integer", nullable: false),
                    ClosesAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Seed = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_queues", x => x.EventId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_admission_keys_Period",
                schema: "waitingroom",
                table: "admission_keys",
                column: "Period",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_queues_StartsAt",
                schema: "waitingroom",
                table: "queues",
                column: "StartsAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "admission_keys",
                schema: "waitingroom");

            migrationBuilder.DropTable(
                name: "queues",
                schema: "waitingroom");
        }
    }
}
