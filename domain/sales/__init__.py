"""Sales: agents\x27 estimates, converted into orders on a sales channel."""
