using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Tax.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tax_inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tax_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "tax_invoice_sequences",
                columns: table => new
                {
                    seller_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    last_number = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tax_invoice_sequences", x => x.seller_id);
                });

            migrationBuilder.CreateTable(
                name: "tax_invoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SourceReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SupplyDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Seller = table.Column<string>(type: "TEXT", nullable: false),
                    Buyer = table.Column<string>(type: "TEXT", nullable: false),
                    Lines = table.Column<string>(type: "TEXT", nullable: false),
                    TotalNet = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalTax = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalGross = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tax_invoices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tax_outbox_messages",
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
                    table.PrimaryKey("PK_tax_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tax_invoices_SellerId_Sequence",
                table: "tax_invoices",
                columns: new[] { "SellerId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tax_invoices_SellerId_SourceReference",
                table: "tax_invoices",
                columns: new[] { "SellerId", "SourceReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tax_outbox_messages_status_next_attempt_at",
                table: "tax_outbox_messages",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tax_inbox_messages");

            migrationBuilder.DropTable(
                name: "tax_invoice_sequences");

            migrationBuilder.DropTable(
                name: "tax_invoices");

            migrationBuilder.DropTable(
                name: "tax_outbox_messages");
        }
    }
}
