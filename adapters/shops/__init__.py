"""Shop adapters: webhook signatures, shop order JSON -> the domain's intake command."""
