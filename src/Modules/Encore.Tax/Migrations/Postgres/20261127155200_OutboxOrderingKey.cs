using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Tax.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxOrderingKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ordering_key",
                schema: "tax",
                table: "outbox_messages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_ordering_key_occurred_at",
                schema: "tax",
                table: "outbox_messages",
                columns: new[] { "ordering_key", "occurred_at" },
                filter: "ordering_key IS NOT NULL AND status <> 1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_ordering_key_occurred_at",
                schema: "tax",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "ordering_key",
                schema: "tax",
                table: "outbox_messages");
        }
    }
}
