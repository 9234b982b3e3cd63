"""Dispatch: the backends a decision can send a request to.

Every backend implements one method family (`Backend` in `router.backends.base`); the
OpenAI-compatible one serves vLLM and llama.cpp, the Claude ones go through litellm.
"""
