"""Files `migration-agent init` writes into a new project."""
