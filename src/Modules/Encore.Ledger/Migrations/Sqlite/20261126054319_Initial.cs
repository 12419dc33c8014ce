using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "ledger_journal_transactions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    source_kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    source_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    organizer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    posted_at = table.Column<long>(type: "INTEGER", nullable: false),
                    entry_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_journal_transactions", x => x.id);
                    table.CheckConstraint("ck_journal_transactions_entry_count", "entry_count >= 2");
                });

            migrationBuilder.CreateTable(
                name: "ledger_money_event_receipts",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SourceKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SourceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_money_event_receipts", x => x.MessageId);
                });

            migrationBuilder.CreateTable(
                name: "ledger_outbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    processed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_journal_entries",
                columns: table => new
                {
                    transaction_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line = table.Column<int>(type: "INTEGER", nullable: false),
                    account = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_journal_entries", x => new { x.transaction_id, x.line });
                    table.ForeignKey(
                        name: "FK_ledger_journal_entries_ledger_journal_transactions_transaction_id",
                        column: x => x.transaction_id,
                        principalTable: "ledger_journal_transactions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_journal_entries_account_currency",
                table: "ledger_journal_entries",
                columns: new[] { "account", "currency" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_journal_transactions_occurred_at",
                table: "ledger_journal_transactions",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_journal_transactions_order_id",
                table: "ledger_journal_transactions",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_journal_transactions_source_kind_source_id",
                table: "ledger_journal_transactions",
                columns: new[] { "source_kind", "source_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ledger_money_event_receipts_SourceKind_SourceId",
                table: "ledger_money_event_receipts",
                columns: new[] { "SourceKind", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_outbox_messages_status_next_attempt_at",
                table: "ledger_outbox_messages",
                columns: new[] { "status", "next_attempt_at" });

            // The journal's append-only and balance rules, enforced by the database (Journal/LedgerRules.cs).
            migrationBuilder.Sql(Encore.Ledger.Journal.LedgerRules.SqliteUp);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Encore.Ledger.Journal.LedgerRules.SqliteDown);

            migrationBuilder.DropTable(
                name: "ledger_inbox_messages");

            migrationBuilder.DropTable(
                name: "ledger_journal_entries");

            migrationBuilder.DropTable(
                name: "ledger_money_event_receipts");

            migrationBuilder.DropTable(
                name: "ledger_outbox_messages");

            migrationBuilder.DropTable(
                name: "ledger_journal_transactions");
        }
    }
}
