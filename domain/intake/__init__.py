"""Order intake from the shops: a translated shop order becomes an order here, or a sync log entry."""
