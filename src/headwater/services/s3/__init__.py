"""Amazon S3: buckets and objects over the rest-xml protocol.

``store`` owns the schema of buckets, objects, versions and multipart uploads; ``configs``
the bucket subresources kept as documents (policy, tagging, CORS, lifecycle, ...).
"""

from headwater.registry import Service
from headwater.services.s3 import addressing, configs, store

service = Service(
    "s3",
    migrations=store.MIGRATIONS + configs.MIGRATIONS,
    hooks={"request_path": addressing.request_path, "choose_operation": addressing.choose_operation},
)
