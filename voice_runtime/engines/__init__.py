"""The speech engines: which ones this deployment runs (`factory`), and the errors they all raise (`errors`)."""
