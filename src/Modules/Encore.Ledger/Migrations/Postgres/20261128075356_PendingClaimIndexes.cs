using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PendingClaimIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_occurred_at_id",
                schema: "ledger",
                table: "outbox_messages",
                columns: new[] { "occurred_at", "id" },
                filter: "status = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_occurred_at_id",
                schema: "ledger",
                table: "outbox_messages");
        }
    }
}
