"""Courier adapters: each translates domain.fulfilment.couriers to one courier's published API."""
