"""One router per use case; every protected endpoint declares the least role it needs."""

__all__: list[str] = []
