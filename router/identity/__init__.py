"""Who is calling: API keys for applications, OIDC tokens for people and services."""
