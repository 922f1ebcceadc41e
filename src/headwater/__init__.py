"""headwater: local, durable, AWS-compatible data-engineering source systems."""

__version__ = "0.1.0"
