using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SoldPlaceBuyer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BuyerId",
                schema: "inventory",
                table: "sold_places",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateIndex(
                name: "IX_sold_places_PerformanceId_BuyerId",
                schema: "inventory",
                table: "sold_places",
                columns: new[] { "PerformanceId", "BuyerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sold_places_PerformanceId_BuyerId",
                schema: "inventory",
                table: "sold_places");

            migrationBuilder.DropColumn(
                name: "BuyerId",
                schema: "inventory",
                table: "sold_places");
        }
    }
}
