"""Installed as `agent._memory` (see setup.py): the memory store's core lessons, schema and
migrations travel with the package and are read with importlib.resources."""
