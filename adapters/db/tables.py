"""SQLAlchemy Core tables: the schema Alembic migrates and the repositories read and write."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = Numeric(14, 2)
QTY = Numeric(14, 3)
PRICE = Numeric(14, 4)


def _created() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _updated() -> Column:
    return Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now())


warehouse = Table(
    "warehouse", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("is_default", Boolean, nullable=False, server_default=text("false")),
    _created(),
)

channel = Table(
    "channel", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(32), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("settings", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("webhook_secret", Text),  # write-only through the API; needed in clear to verify HMACs
    Column("api_credentials", JSONB),  # write-only partner credentials (shop REST keys)
    _created(),
    _updated(),
)

price_list = Table(
    "price_list", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("currency", String(3), nullable=False, server_default="RON"),
    Column("prices_include_vat", Boolean, nullable=False, server_default=text("true")),
    _created(),
)

product = Table(
    "product", metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("ean", String(14)),
    Column("name", String(300), nullable=False),
    Column("vat_rate", Numeric(5, 2), nullable=False),
    Column("price", PRICE),
    Column("weight_kg", Numeric(10, 3)),
    Column("length_cm", Numeric(10, 1)),
    Column("width_cm", Numeric(10, 1)),
    Column("height_cm", Numeric(10, 1)),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _created(),
    _updated(),
    CheckConstraint("vat_rate >= 0 AND vat_rate < 100", name="vat_rate_range"),
)

price_list_item = Table(
    "price_list_item", metadata,
    Column("price_list_id", ForeignKey("price_list.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("product.id"), primary_key=True),
    Column("price", PRICE, nullable=False),
    CheckConstraint("price >= 0", name="price_non_negative"),
)

customer = Table(
    "customer", metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(3), nullable=False, server_default="b2c"),
    Column("email", String(320)),
    Column("name", String(300), nullable=False),
    Column("phone", String(40)),
    Column("company", String(300)),
    Column("vat_code", String(32)),
    Column("edi_id", String(64)),
    Column("addresses", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("price_list_id", ForeignKey("price_list.id")),
    Column("loyalty_points", Integer, nullable=False, server_default="0"),
    _created(),
    _updated(),
    CheckConstraint("type IN ('b2c', 'b2b')", name="type_known"),
    Index("uq_customer_email", text("lower(email)"), unique=True, postgresql_where=text("email IS NOT NULL")),
)

stock_level = Table(
    "stock_level", metadata,
    Column("product_id", ForeignKey("product.id"), primary_key=True),
    Column("warehouse_id", ForeignKey("warehouse.id"), primary_key=True),
    Column("on_hand", QTY, nullable=False, server_default="0"),
    Column("reserved", QTY, nullable=False, server_default="0"),
    Column("quarantine", QTY, nullable=False, server_default="0"),
    _updated(),
    # The database refuses negative or over-reserved stock even if a bug slipped past the domain.
    CheckConstraint("on_hand >= 0 AND reserved >= 0 AND quarantine >= 0 AND reserved + quarantine <= on_hand",
                    name="never_negative"),
)

receipt_note = Table(
    "receipt_note", metadata,
    Column("id", Integer, primary_key=True),
    Column("warehouse_id", ForeignKey("warehouse.id"), nullable=False),
    Column("reference", String(100)),
    Column("created_by", String(200), nullable=False),
    _created(),
)

receipt_note_line = Table(
    "receipt_note_line", metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_note_id", ForeignKey("receipt_note.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("product_id", ForeignKey("product.id"), nullable=False),
    Column("quantity", QTY, nullable=False),
    Column("quarantine", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

sales_order = Table(
    "sales_order", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("channel_id", ForeignKey("channel.id"), nullable=False),
    Column("source", String(32), nullable=False),
    Column("external_ref", String(100)),
    Column("status", SmallInteger, nullable=False),
    Column("approve_status", SmallInteger),
    Column("approval_rule", String(200)),
    Column("approval_role", String(32)),
    Column("held_from", SmallInteger),
    Column("customer_id", ForeignKey("customer.id"), nullable=False),
    Column("customer_name", String(300), nullable=False),
    Column("customer_email", String(320)),
    Column("customer_type", String(3), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_method", String(64), nullable=False),
    Column("shipping_address", JSONB, nullable=False),
    Column("billing_address", JSONB),
    Column("warehouse_id", ForeignKey("warehouse.id"), nullable=False),
    Column("promised_date", Date),
    Column("preorder_flagged_at", DateTime(timezone=True)),
    Column("notes", Text),
    Column("total_net", MONEY, nullable=False),
    Column("total_vat", MONEY, nullable=False),
    Column("total_gross", MONEY, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("channel_id", "external_ref"),
    Index("ix_sales_order_status_id", "status", text("id DESC")),
    Index("ix_sales_order_channel_id_id", "channel_id", text("id DESC")),
    Index("ix_sales_order_pending_approval", text("id DESC"), postgresql_where=text("approve_status = 0")),
    Index("ix_sales_order_customer_id", "customer_id"),
)

sales_order_line = Table(
    "sales_order_line", metadata,
    Column("order_id", ForeignKey("sales_order.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", SmallInteger, primary_key=True),
    Column("product_id", ForeignKey("product.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", QTY, nullable=False),
    Column("unit_price", PRICE, nullable=False),
    Column("vat_rate", Numeric(5, 2), nullable=False),
    Column("prices_include_vat", Boolean, nullable=False),
    Column("net", MONEY, nullable=False),
    Column("vat", MONEY, nullable=False),
    Column("gross", MONEY, nullable=False),
    Column("list_price", PRICE),  # B2B portal: the customer's price-list price, on the channel's VAT basis
    Column("price_mismatch", Boolean, nullable=False, server_default=text("false")),
)

# A POS sale's receipt, issued when the order is paid at the counter (one per order).
cash_receipt = Table(
    "cash_receipt", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("order_id", ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("method", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# An agent's estimate (Sales -> Estimates); converting it creates an order whose external_ref is its number.
estimate = Table(
    "estimate", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("channel_id", ForeignKey("channel.id"), nullable=False),
    Column("customer", JSONB, nullable=False),
    Column("shipping_address", JSONB, nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_method", String(64), nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("notes", Text),
    Column("order_id", ForeignKey("sales_order.id", ondelete="SET NULL")),
    Column("created_by", String(200), nullable=False),
    _created(),
)

order_history = Table(
    "order_history", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("order_id", ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("action", String(32), nullable=False),
    Column("from_status", SmallInteger),
    Column("to_status", SmallInteger, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

stock_reservation = Table(
    "stock_reservation", metadata,
    Column("order_id", ForeignKey("sales_order.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("product.id"), primary_key=True),
    Column("warehouse_id", ForeignKey("warehouse.id"), primary_key=True),
    Column("quantity", QTY, nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("aggregate_type", String(32), nullable=False),
    Column("aggregate_id", BigInteger, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # The relay claims rows before it talks to Redis; a claim older than its timeout is taken over.
    Column("claimed_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
)

idempotency_key = Table(
    "idempotency_key", metadata,
    Column("scope", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("order_id", ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False),
    _created(),
)

notification = Table(
    "notification", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("outbox_id", BigInteger, nullable=False, unique=True),  # consumers are idempotent per event
    Column("order_id", BigInteger, nullable=False, index=True),
    Column("channel", String(16), nullable=False, server_default="email"),
    Column("recipient", String(320)),
    Column("template", String(64), nullable=False),
    Column("payload", JSONB, nullable=False),
    _created(),
)

app_user = Table(
    "app_user", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("roles", ARRAY(String(32)), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("locale", String(5), nullable=False, server_default="en"),
    Column("last_login_at", DateTime(timezone=True)),
    _created(),
    Index("uq_app_user_email", text("lower(email)"), unique=True),
)

api_key = Table(
    "api_key", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("channel_id", ForeignKey("channel.id"), nullable=False),
    Column("scopes", ARRAY(String(32)), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_by", String(200), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    _created(),
)

# Shop webhooks land here first (one short transaction, answered 200 at once); the inbox relay in the worker
# hands pending rows to the normalisation job. dedupe_key is per shop: WooCommerce webhook id + delivery id +
# body hash (it reuses delivery ids), Shopify X-Shopify-Webhook-Id.
inbox_event = Table(
    "inbox_event", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("channel_id", ForeignKey("channel.id"), nullable=False),
    Column("source", String(16), nullable=False),
    Column("topic", String(64), nullable=False),
    Column("webhook_id", String(100)),
    Column("delivery_id", String(100)),
    Column("body_sha256", String(64), nullable=False),
    Column("dedupe_key", String(300), nullable=False),
    Column("external_ref", String(100)),
    Column("shop_modified_at", DateTime(timezone=True)),
    Column("payload", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("claimed_at", DateTime(timezone=True)),
    Column("enqueued_at", DateTime(timezone=True)),
    Column("processed_at", DateTime(timezone=True)),
    UniqueConstraint("channel_id", "dedupe_key"),
    CheckConstraint("status IN ('pending', 'processed', 'failed', 'ignored')", name="status_known"),
    Index("ix_inbox_event_pending", "id", postgresql_where=text("status = 'pending'")),
    Index("ix_inbox_event_channel_id_external_ref", "channel_id", "external_ref"),
    # Channel health's "last webhook" per channel reads the newest row of each channel.
    Index("ix_inbox_event_channel_id_received_at", "channel_id", text("received_at DESC")),
)

# The scheduled pull per shop channel: when it last ran, how far it got (the newest shop modification time
# it has stored) and why the last run failed, if it did.
channel_sync_state = Table(
    "channel_sync_state", metadata,
    Column("channel_id", ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True),
    Column("last_pull_at", DateTime(timezone=True)),
    Column("watermark", DateTime(timezone=True)),
    Column("last_error", Text),
)

# The guide's diary_sync: one entry per (channel, direction, external_ref, error_type); a repeated failure
# updates it (attempts, last_seen_at, message, payload) instead of adding rows.
sync_log = Table(
    "sync_log", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("channel_id", ForeignKey("channel.id"), nullable=False),
    Column("direction", String(8), nullable=False, server_default="import"),
    Column("external_ref", String(100), nullable=False),
    Column("error_type", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("payload", JSONB),
    Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("inbox_event_id", ForeignKey("inbox_event.id", ondelete="SET NULL")),
    Column("order_id", BigInteger),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", String(200)),
    UniqueConstraint("channel_id", "direction", "external_ref", "error_type"),
    CheckConstraint("direction IN ('import', 'export')", name="direction_known"),
    CheckConstraint("status IN ('open', 'resolved', 'ignored')", name="status_known"),
    CheckConstraint("error_type IN ('missing_sku', 'customer_not_created', 'payment_not_recognised', "
                    "'stock_insufficient', 'remote_error', 'other')", name="error_type_known"),
    Index("ix_sync_log_status_id", "status", text("id DESC")),
)


# --- fulfilment ----------------------------------------------------------------------------------------------

# One account per courier; credentials are write-only through the API (the adapters need them in clear).
courier_account = Table(
    "courier_account", metadata,
    Column("id", Integer, primary_key=True),
    Column("courier", String(16), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("base_url", String(500), nullable=False),
    Column("credentials", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("default_service", String(64)),
    Column("label_format", String(8), nullable=False, server_default="a4"),
    Column("concurrency", SmallInteger, nullable=False, server_default="8"),
    Column("sender", JSONB, nullable=False, server_default=text("'{}'::jsonb")),  # pickup address
    Column("settings", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _created(),
    _updated(),
    CheckConstraint("courier IN ('innoship', 'cargus', 'fancourier', 'palex')", name="courier_known"),
    CheckConstraint("label_format IN ('a4', 'thermal')", name="label_format_known"),
    CheckConstraint("concurrency BETWEEN 1 AND 64", name="concurrency_range"),
)

delivery_note = Table(
    "delivery_note", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("order_id", ForeignKey("sales_order.id"), nullable=False, index=True),
    Column("warehouse_id", ForeignKey("warehouse.id"), nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("dispatched_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('open', 'dispatched', 'cancelled')", name="status_known"),
    # One note being prepared per order at a time.
    Index("uq_delivery_note_open_order", "order_id", unique=True, postgresql_where=text("status = 'open'")),
)

delivery_note_line = Table(
    "delivery_note_line", metadata,
    Column("note_id", ForeignKey("delivery_note.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", SmallInteger, primary_key=True),
    Column("product_id", ForeignKey("product.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", QTY, nullable=False),
    Column("backordered", QTY, nullable=False, server_default="0"),
    CheckConstraint("quantity >= 0 AND backordered >= 0", name="quantities"),
)

packing_list = Table(
    "packing_list", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("delivery_note_id", ForeignKey("delivery_note.id"), nullable=False, unique=True),
    Column("order_id", ForeignKey("sales_order.id"), nullable=False, index=True),
    Column("packages", JSONB, nullable=False),  # [{length_cm, width_cm, height_cm, weight_kg}] as strings
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

shipment = Table(
    "shipment", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("packing_list_id", ForeignKey("packing_list.id"), nullable=False),
    Column("order_id", ForeignKey("sales_order.id"), nullable=False, index=True),
    Column("courier", String(16), nullable=False),
    Column("service", String(64)),
    Column("carrier_id", Integer),
    Column("carrier_name", String(100)),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("awb_number", String(64)),
    Column("tracking_url", String(500)),
    Column("price", MONEY),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("awb_at", DateTime(timezone=True)),
    Column("tracking_status", String(20)),
    Column("tracking_text", Text),
    Column("tracking_at", DateTime(timezone=True)),
    Column("next_track_at", DateTime(timezone=True)),
    Column("track_failures", Integer, nullable=False, server_default="0"),
    CheckConstraint("status IN ('pending', 'created', 'failed', 'cancelled')", name="status_known"),
    CheckConstraint("status <> 'created' OR awb_number IS NOT NULL", name="created_has_awb"),
    # The rule of the module: at most one live AWB (or attempt at one) per packing list.
    Index("uq_shipment_live_packing_list", "packing_list_id", unique=True,
          postgresql_where=text("status IN ('pending', 'created')")),
    Index("uq_shipment_courier_awb", "courier", "awb_number", unique=True,
          postgresql_where=text("awb_number IS NOT NULL")),
    Index("ix_shipment_tracking_due", "next_track_at", postgresql_where=text("status = 'created'")),
)

shipment_label = Table(
    "shipment_label", metadata,
    Column("shipment_id", ForeignKey("shipment.id", ondelete="CASCADE"), primary_key=True),
    Column("format", String(8), primary_key=True),
    Column("pdf", LargeBinary, nullable=False),
    Column("uploaded_by", String(200)),  # set for labels an operator uploaded (manual couriers)
    _created(),
)

shipment_event = Table(
    "shipment_event", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("shipment_id", ForeignKey("shipment.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("location", String(200)),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("shipment_id", "at", "status"),
)

# A batch AWB run started from the console: progress and per-item results for the operator.
awb_batch = Table(
    "awb_batch", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("courier", String(16), nullable=False),
    Column("service", String(64)),
    Column("packing_list_ids", ARRAY(BigInteger), nullable=False),
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("succeeded", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("results", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("status", String(16), nullable=False, server_default="queued"),
    Column("created_by", String(200), nullable=False),
    _created(),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('queued', 'running', 'done')", name="status_known"),
)
