"""Amazon S3: buckets and objects over the rest-xml protocol."""

from headwater.registry import Service
from headwater.services.s3 import addressing

service = Service(
    "s3",
    hooks={"request_path": addressing.request_path, "choose_operation": addressing.choose_operation},
)
