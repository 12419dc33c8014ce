using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddVenueRegion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Region",
                schema: "catalog",
                table: "venues",
                type: "character varying(6)",
                maxLength: 6,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Region",
                schema: "catalog",
                table: "venues");
        }
    }
}
