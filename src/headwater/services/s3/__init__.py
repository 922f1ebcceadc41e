"""Amazon S3: buckets and objects over the rest-xml protocol.

``store`` owns the schema of buckets, objects, versions and multipart uploads; ``configs``
the bucket subresources kept as documents (policy, tagging, CORS, lifecycle, ...).
Operations group by resource area: ``buckets``, ``reads``, ``writes``, ``deletes``,
``copies``, ``listing``, ``multipart``, ``object_settings`` (tagging, retention, legal
hold), and the bucket configurations (``bucket_policy``, ``cors``, ``config_*``);
``expiry`` applies lifecycle rules by the clock and deletes released blobs.
"""

from headwater.registry import Service
from headwater.services.s3 import addressing, configs, store

service = Service(
    "s3",
    # Applied in this order: a later schema change is a new migration at the end of the
    # combined list (see storage/migrations.py), whichever module it belongs to.
    migrations=store.MIGRATIONS + configs.MIGRATIONS + store.LATER_MIGRATIONS,
    hooks={"request_path": addressing.request_path, "choose_operation": addressing.choose_operation},
    blob_references=store.referenced_blobs,
)

from headwater.services.s3 import (  # noqa: E402,F401  (register operations and background tasks)
    bucket_policy,
    buckets,
    config_acl,
    config_documents,
    config_lifecycle,
    copies,
    cors,
    deletes,
    expiry,
    listing,
    multipart,
    object_settings,
    reads,
    writes,
)
