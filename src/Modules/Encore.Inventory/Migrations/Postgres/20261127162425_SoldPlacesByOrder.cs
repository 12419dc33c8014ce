using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SoldPlacesByOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_sold_places_OrderId",
                schema: "inventory",
                table: "sold_places",
                column: "OrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sold_places_OrderId",
                schema: "inventory",
                table: "sold_places");
        }
    }
}
