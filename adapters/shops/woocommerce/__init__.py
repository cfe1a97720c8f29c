"""WooCommerce (REST v3 order JSON, webhooks)."""
