using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Orders.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "orders_event_sales_settings",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServicePercentBasisPoints = table.Column<int>(type: "INTEGER", nullable: false),
                    ServiceFixedMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    FacilityFixedMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveryFixedMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomFees = table.Column<bool>(type: "INTEGER", nullable: false),
                    RefundPolicy = table.Column<int>(type: "INTEGER", nullable: false),
                    RefundUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_event_sales_settings", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "orders_idempotency_records",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ResponseBody = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Location = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_idempotency_records", x => new { x.UserId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "orders_inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "orders_order_transitions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    From = table.Column<int>(type: "INTEGER", nullable: false),
                    To = table.Column<int>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_order_transitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "orders_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    BuyerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    HoldId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FencingToken = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganizerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventTitle = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    EventSlug = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventCountry = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    PerformanceStartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PayBy = table.Column<long>(type: "INTEGER", nullable: false),
                    PricesIncludeTax = table.Column<bool>(type: "INTEGER", nullable: false),
                    FaceValue = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceFee = table.Column<long>(type: "INTEGER", nullable: false),
                    FacilityFee = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveryFee = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveryFeeTax = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveryTaxJurisdiction = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DeliveryRatePpm = table.Column<int>(type: "INTEGER", nullable: false),
                    TaxName = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Tax = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxLabel = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    RefundedAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    PaymentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PaymentAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextActionUrl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    FailureMessage = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    PaidAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CapturedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CaptureAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InvoiceNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "orders_outbox_messages",
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
                    table.PrimaryKey("PK_orders_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "orders_refunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PaymentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdmissionIds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    FaceValue = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceFee = table.Column<long>(type: "INTEGER", nullable: false),
                    FacilityFee = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveryFee = table.Column<long>(type: "INTEGER", nullable: false),
                    Tax = table.Column<long>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxByJurisdiction = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    EventCancelled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    FailureMessage = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_refunds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "orders_sold_seats",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdmissionId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_sold_seats", x => new { x.PerformanceId, x.SeatId });
                });

            migrationBuilder.CreateTable(
                name: "orders_sold_standing",
                columns: table => new
                {
                    PerformanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SectionCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Sold = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_sold_standing", x => new { x.PerformanceId, x.SectionCode });
                    table.CheckConstraint("ck_sold_standing_capacity", "\"Sold\" >= 0 AND \"Sold\" <= \"Capacity\"");
                });

            migrationBuilder.CreateTable(
                name: "orders_order_admissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SeatId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SectionCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SectionName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RowLabel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SeatLabel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    TierId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TierName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FaceValue = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceFee = table.Column<long>(type: "INTEGER", nullable: false),
                    FacilityFee = table.Column<long>(type: "INTEGER", nullable: false),
                    Tax = table.Column<long>(type: "INTEGER", nullable: false),
                    FaceTax = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceFeeTax = table.Column<long>(type: "INTEGER", nullable: false),
                    FacilityFeeTax = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxJurisdiction = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FaceRatePpm = table.Column<int>(type: "INTEGER", nullable: false),
                    ServiceFeeRatePpm = table.Column<int>(type: "INTEGER", nullable: false),
                    FacilityFeeRatePpm = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    RefundId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders_order_admissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_orders_order_admissions_orders_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_orders_idempotency_records_CreatedAt",
                table: "orders_idempotency_records",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_orders_order_admissions_OrderId",
                table: "orders_order_admissions",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_order_transitions_OrderId_At",
                table: "orders_order_transitions",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_orders_BuyerId_CreatedAt",
                table: "orders_orders",
                columns: new[] { "BuyerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_orders_EventId_Status",
                table: "orders_orders",
                columns: new[] { "EventId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_orders_HoldId",
                table: "orders_orders",
                column: "HoldId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_orders_orders_PaymentId",
                table: "orders_orders",
                column: "PaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_orders_Status_PayBy",
                table: "orders_orders",
                columns: new[] { "Status", "PayBy" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_outbox_messages_status_next_attempt_at",
                table: "orders_outbox_messages",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_refunds_OrderId",
                table: "orders_refunds",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_sold_seats_OrderId",
                table: "orders_sold_seats",
                column: "OrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "orders_event_sales_settings");

            migrationBuilder.DropTable(
                name: "orders_idempotency_records");

            migrationBuilder.DropTable(
                name: "orders_inbox_messages");

            migrationBuilder.DropTable(
                name: "orders_order_admissions");

            migrationBuilder.DropTable(
                name: "orders_order_transitions");

            migrationBuilder.DropTable(
                name: "orders_outbox_messages");

            migrationBuilder.DropTable(
                name: "orders_refunds");

            migrationBuilder.DropTable(
                name: "orders_sold_seats");

            migrationBuilder.DropTable(
                name: "orders_sold_standing");

            migrationBuilder.DropTable(
                name: "orders_orders");
        }
    }
}
