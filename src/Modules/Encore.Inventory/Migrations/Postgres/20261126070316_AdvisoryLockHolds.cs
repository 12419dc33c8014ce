using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Encore.Inventory.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AdvisoryLockHolds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lock_expired_holds",
                schema: "inventory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatIds = table.Column<string>(type: "text", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_expired_holds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "lock_hold_keys",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    BuyerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HoldId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_hold_keys", x => new { x.PerformanceId, x.BuyerId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "lock_holds",
                schema: "inventory",
                columns: table => new
                {
                    HoldId = table.Column<Guid>(type: "uuid", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    BuyerId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatIds = table.Column<string>(type: "text", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    FencingToken = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TtlMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    Extended = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_holds", x => x.HoldId);
                });

            migrationBuilder.CreateTable(
                name: "lock_performances",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Fence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_performances", x => x.PerformanceId);
                });

            migrationBuilder.CreateTable(
                name: "lock_pool_seats",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatId = table.Column<Guid>(type: "uuid", nullable: false),
                    Pool = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_pool_seats", x => new { x.PerformanceId, x.SeatId });
                });

            migrationBuilder.CreateTable(
                name: "lock_hold_seats",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatId = table.Column<Guid>(type: "uuid", nullable: false),
                    HoldId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_hold_seats", x => new { x.PerformanceId, x.SeatId });
                    table.ForeignKey(
                        name: "FK_lock_hold_seats_lock_holds_HoldId",
                        column: x => x.HoldId,
                        principalSchema: "inventory",
                        principalTable: "lock_holds",
                        principalColumn: "HoldId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lock_expired_holds_PerformanceId",
                schema: "inventory",
                table: "lock_expired_holds",
                column: "PerformanceId");

            migrationBuilder.CreateIndex(
                name: "IX_lock_hold_seats_HoldId",
                schema: "inventory",
                table: "lock_hold_seats",
                column: "HoldId");

            migrationBuilder.CreateIndex(
                name: "IX_lock_holds_PerformanceId_BuyerId",
                schema: "inventory",
                table: "lock_holds",
                columns: new[] { "PerformanceId", "BuyerId" });

            migrationBuilder.CreateIndex(
                name: "IX_lock_holds_PerformanceId_ExpiresAt",
                schema: "inventory",
                table: "lock_holds",
                columns: new[] { "PerformanceId", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lock_expired_holds",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_hold_keys",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_hold_seats",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_performances",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_pool_seats",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_holds",
                schema: "inventory");
        }
    }
}
