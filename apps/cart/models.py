"""Models of this app (tenant schema)."""
