"""Shopify (Admin API order JSON, webhooks)."""
