"""Policy as code: strictly validated files, and the pure routing decision taken from them."""
