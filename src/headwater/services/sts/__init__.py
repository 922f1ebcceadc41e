"""AWS STS: who am I, and (with the IAM work) temporary credentials."""

from headwater.registry import Service

service = Service("sts")

from headwater.services.sts import identity  # noqa: E402,F401  (registers operations)
