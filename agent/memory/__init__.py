"""The layered memory of the agent (core, long, medium, recent, compost) in PostgreSQL."""

from agent.memory.lifecycle import MaintenanceReport, maintain
from agent.memory.store import SCHEMA, TIERS, Memory, MemoryStore, NewMemory, connect_store

__all__ = ["SCHEMA", "TIERS", "MaintenanceReport", "Memory", "MemoryStore", "NewMemory", "connect_store", "maintain"]
