using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LockSoldBuyers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lock_sold_buyers",
                schema: "inventory",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    BuyerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Bought = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_sold_buyers", x => new { x.PerformanceId, x.BuyerId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lock_sold_buyers",
                schema: "inventory");
        }
    }
}
