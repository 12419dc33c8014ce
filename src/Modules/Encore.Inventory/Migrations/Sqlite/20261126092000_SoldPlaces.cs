using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SoldPlaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inventory_lock_sold_seats",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_sold_seats", x => new { x.PerformanceId, x.SeatId });
                });

            migrationBuilder.CreateTable(
                name: "inventory_lock_sold_standing",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Sold = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_sold_standing", x => new { x.PerformanceId, x.Section });
                });

            migrationBuilder.CreateTable(
                name: "inventory_sold_places",
                columns: table => new
                {
                    AdmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SectionCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SoldAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_sold_places", x => x.AdmissionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_sold_places_PerformanceId_SeatId",
                table: "inventory_sold_places",
                columns: new[] { "PerformanceId", "SeatId" });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_sold_places_PerformanceId_SectionCode",
                table: "inventory_sold_places",
                columns: new[] { "PerformanceId", "SectionCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_lock_sold_seats");

            migrationBuilder.DropTable(
                name: "inventory_lock_sold_standing");

            migrationBuilder.DropTable(
                name: "inventory_sold_places");
        }
    }
}
