"""The PostgreSQL schema-migration agent."""

__version__ = "0.1.0"
