"""Printable documents: shipping labels and delivery notes (Jinja2 HTML -> WeasyPrint PDF) and PDF merging."""
