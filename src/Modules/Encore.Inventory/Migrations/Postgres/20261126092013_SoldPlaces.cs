using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SoldPlaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lock_sold_seats",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_sold_seats", x => new { x.PerformanceId, x.SeatId });
                });

            migrationBuilder.CreateTable(
                name: "lock_sold_standing",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Sold = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_sold_standing", x => new { x.PerformanceId, x.Section });
                });

            migrationBuilder.CreateTable(
                name: "sold_places",
                schema: "inventory",
                columns: table => new
                {
                    AdmissionId = table.Column<Guid>(type: "uuid", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    SeatId = table.Column<Guid>(type: "uuid", nullable: true),
                    SectionCode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SoldAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sold_places", x => x.AdmissionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sold_places_PerformanceId_SeatId",
                schema: "inventory",
                table: "sold_places",
                columns: new[] { "PerformanceId", "SeatId" });

            migrationBuilder.CreateIndex(
                name: "IX_sold_places_PerformanceId_SectionCode",
                schema: "inventory",
                table: "sold_places",
                columns: new[] { "PerformanceId", "SectionCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lock_sold_seats",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "lock_sold_standing",
                schema: "inventory");

            migrationBuilder.DropTable(
                name: "sold_places",
                schema: "inventory");
        }
    }
}
