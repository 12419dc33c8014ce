using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddVenueRegion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "catalog_venues",
                type: "TEXT",
                maxLength: 6,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Region",
                table: "catalog_venues");
        }
    }
}
