"""The use cases: what each command does, without printing (docs/architecture.md)."""
