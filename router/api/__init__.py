"""The HTTP surface: OpenAI-compatible endpoints, health, and the one error mapping."""
