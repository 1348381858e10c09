"""The defect registry: ORM model, workflow, grade scale and use-case services (one module each)."""

__all__: list[str] = []
