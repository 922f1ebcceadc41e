"""One package per botocore service name; each exposes ``service`` (a registry.Service)."""
