using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Payments.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PendingClaimIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_payments_simulated_webhooks_CreatedAt",
                table: "payments_simulated_webhooks",
                column: "CreatedAt",
                filter: "\"Status\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_payments_outbox_messages_occurred_at_id",
                table: "payments_outbox_messages",
                columns: new[] { "occurred_at", "id" },
                filter: "status = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payments_simulated_webhooks_CreatedAt",
                table: "payments_simulated_webhooks");

            migrationBuilder.DropIndex(
                name: "IX_payments_outbox_messages_occurred_at_id",
                table: "payments_outbox_messages");
        }
    }
}
