using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BotDefense : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "identity_AccountFlags",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    FlaggedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    FlaggedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_AccountFlags", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_identity_AccountFlags_identity_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "identity_AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "identity_SharedSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Protected = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_SharedSecrets", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_identity_AccountFlags_FlaggedAt",
                table: "identity_AccountFlags",
                column: "FlaggedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "identity_AccountFlags");

            migrationBuilder.DropTable(
                name: "identity_SharedSecrets");
        }
    }
}
