"""Click commands, one module per command; `agent.cli` assembles them."""
