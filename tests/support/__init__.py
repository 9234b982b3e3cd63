"""Real servers and helpers the tests share."""
