"""The project file (`migration-agent.toml`, or `[tool.migration-agent]` in `pyproject.toml`).

`locate` finds it without loading pydantic (so `lint` starts fast when there is none);
`file` reads and validates it.
"""
