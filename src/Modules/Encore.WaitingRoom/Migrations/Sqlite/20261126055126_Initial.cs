using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.WaitingRoom.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "waitingroom_admission_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<long>(type: "INTEGER", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RetiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_waitingroom_admission_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "waitingroom_queues",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PreQueueOpensAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AdmitPerMinute = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxActive = table.Column<int>(type: "INTEGER", nullable: true),
                    TokenMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxQueueSize = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckInSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosesAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Seed = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_waitingroom_queues", x => x.EventId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_waitingroom_admission_keys_Period",
                table: "waitingroom_admission_keys",
                column: "Period",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_waitingroom_queues_StartsAt",
                table: "waitingroom_queues",
                column: "StartsAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "waitingroom_admission_keys");

            migrationBuilder.DropTable(
                name: "waitingroom_queues");
        }
    }
}
