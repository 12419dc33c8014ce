using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AdvisoryLockHolds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inventory_lock_expired_holds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatIds = table.Column<string>(type: "TEXT", nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_expired_holds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_hold_keys",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HoldId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Until = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_hold_keys", x => new { x.PerformanceId, x.BuyerId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_holds",
                columns: table => new
                {
                    HoldId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatIds = table.Column<string>(type: "TEXT", nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    FencingToken = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TtlMilliseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Extended = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_holds", x => x.HoldId);
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_performances",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Fence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_performances", x => x.PerformanceId);
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_pool_seats",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Pool = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_pool_seats", x => new { x.PerformanceId, x.SeatId });
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_hold_seats",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HoldId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_hold_seats", x => new { x.PerformanceId, x.SeatId });
                    table.ForeignKey(
                        name: "FK_inventory_lock_hold_seats_inventory_lock_holds_HoldId",
                        column: x => x.HoldId,
                        principalTable: "inventory_lock_holds",
                        principalColumn: "HoldId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_lock_expired_holds_PerformanceId",
                table: "inventory_lock_expired_holds",
                column: "PerformanceId");

            migrationBuilder.CreateIndex(
                name: "IX_inventory_lock_hold_seats_HoldId",
                table: "inventory_lock_hold_seats",
                column: "HoldId");

            migrationBuilder.CreateIndex(
                name: "IX_inventory_lock_holds_PerformanceId_BuyerId",
                table: "inventory_lock_holds",
                columns: new[] { "PerformanceId", "BuyerId" });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_lock_holds_PerformanceId_ExpiresAt",
                table: "inventory_lock_holds",
                columns: new[] { "PerformanceId", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_lock_expired_holds");

            migrationBuilder.DropTable(
                name: "inventory_lock_hold_keys");

            migrationBuilder.DropTable(
                name: "inventory_lock_hold_seats");

            migrationBuilder.DropTable(
                name: "inventory_lock_performances");

            migrationBuilder.DropTable(
                name: "inventory_lock_pool_seats");

            migrationBuilder.DropTable(
                name: "inventory_lock_holds");
        }
    }
}
