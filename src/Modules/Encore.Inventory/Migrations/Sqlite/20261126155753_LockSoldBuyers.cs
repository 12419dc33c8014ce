using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Inventory.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LockSoldBuyers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inventory_lock_sold_buyers",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Bought = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_lock_sold_buyers", x => new { x.PerformanceId, x.BuyerId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_lock_sold_buyers");
        }
    }
}
