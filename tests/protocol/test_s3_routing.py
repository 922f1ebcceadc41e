"""S3 routing: every operation of the model, sent by a real boto3 client in path and
virtual-host style, is found by ``routing.find_operation`` with its bucket and key decoded
exactly once; and the host names that do and do not carry a bucket.

Two deprecated operations per pair send the very same request as their successors
(``GET``/``PUT ?lifecycle`` and ``?notification``), so the server answers both with the
successor, whose input shape reads the older body too.
"""

from __future__ import annotations

import pytest
from botocore import xform_name

from headwater.http.message import HttpRequest, HttpResponse
from headwater.protocol import routing, specs
from headwater.services.s3 import addressing, service
from tests.protocol.examples import example_input
from tests.protocol.wire import raised, stub_client

ENDPOINT = "http://localhost:4566"
BUCKET = "my-bucket.data-1"
KEY = "dir/sub dir/ü.txt"
MODEL = specs.load("s3")
SUCCESSORS = {
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
}
TRICKY_KEYS = [
    "a b", "ü/日本語.txt", "a/b/c", "..", "a/../b", "./x", "100%", "%41", "a+b", "dir/", "/lead", "x//y", "?#&=",
]


class CapturingClient:
    """A boto3 S3 client whose requests are captured (and answered with an empty 200)."""

    def __init__(self, style: str):
        self.client = stub_client("s3", self._capture, ENDPOINT, s3={"addressing_style": style})
        self.sent = None

    def _capture(self, request: HttpRequest) -> HttpResponse:
        self.sent = request
        return HttpResponse()

    def request(self, operation: str, params: dict) -> HttpRequest:
        self.sent = None
        try:
            getattr(self.client, xform_name(operation))(**params)
        except Exception:
            if self.sent is None:
                raise
        return self.sent


@pytest.fixture(scope="module", params=["path", "virtual"])
def client(request):
    return CapturingClient(request.param)


def client_params(operation: str, key: str = KEY) -> dict:
    params = example_input(MODEL.operation_model(operation), minimal=True)
    overrides = {"Bucket": BUCKET, "Key": key, "RequestRoute": "route-1", "CopySource": f"{BUCKET}/src key"}
    return {name: overrides.get(name, value) for name, value in params.items()}


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_every_operation_is_found(client, operation):
    params = client_params(operation)
    request = client.request(operation, params)
    found, labels = routing.find_operation("s3", request, service.hooks)
    assert found.name == SUCCESSORS.get(operation, operation)
    expected = {name: params[name] for name in ("Bucket", "Key") if name in params}
    assert labels == expected


@pytest.mark.parametrize("key", TRICKY_KEYS)
@pytest.mark.parametrize("operation", ["PutObject", "GetObject", "UploadPart", "PutObjectTagging"])
def test_keys_are_decoded_exactly_once(client, operation, key):
    request = client.request(operation, client_params(operation, key))
    found, labels = routing.find_operation("s3", request, service.hooks)
    assert (found.name, labels) == (operation, {"Bucket": BUCKET, "Key": key})


def test_directory_bucket_listing_needs_its_signature_or_parameter(client):
    plain = client.request("ListBuckets", {})
    assert routing.find_operation("s3", plain, service.hooks)[0].name == "ListBuckets"
    paged = HttpRequest("GET", "/", "max-directory-buckets=5", {"host": "localhost:4566"})
    assert routing.find_operation("s3", paged, service.hooks)[0].name == "ListDirectoryBuckets"


@pytest.mark.parametrize(
    "method, query, headers, expected",
    [
        ("PUT", "", {}, "PutObject"),
        ("PUT", "", {"x-amz-copy-source": "b/k"}, "CopyObject"),
        ("PUT", "partNumber=1&uploadId=u", {}, "UploadPart"),
        ("PUT", "partNumber=1&uploadId=u", {"x-amz-copy-source": "b/k"}, "UploadPartCopy"),
        ("GET", "uploadId=u", {}, "ListParts"),
        ("GET", "versionId=v", {}, "GetObject"),
        ("DELETE", "uploadId=u", {}, "AbortMultipartUpload"),
        ("DELETE", "versionId=v", {}, "DeleteObject"),
        ("POST", "uploadId=u", {}, "CompleteMultipartUpload"),
        ("POST", "uploads", {}, "CreateMultipartUpload"),
        ("GET", "annotation", {}, "ListObjectAnnotations"),
        ("GET", "annotation&annotationName=n", {}, "GetObjectAnnotation"),
        ("GET", "x-id=GetObject", {}, "GetObject"),
    ],
)
def test_object_operations_sharing_a_uri(method, query, headers, expected):
    request = HttpRequest(method, "/bucket-1/some/key", query, {"host": "localhost:4566", **headers})
    assert routing.find_operation("s3", request, service.hooks)[0].name == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "ListObjects"),
        ("list-type=2", "ListObjectsV2"),
        ("list-type=2&prefix=a&encoding-type=url", "ListObjectsV2"),
        ("analytics", "ListBucketAnalyticsConfigurations"),
        ("analytics&id=x", "GetBucketAnalyticsConfiguration"),
        ("metrics&id=x", "GetBucketMetricsConfiguration"),
        ("uploads", "ListMultipartUploads"),
        ("versions", "ListObjectVersions"),
        ("location", "GetBucketLocation"),
    ],
)
def test_bucket_listings(query, expected):
    request = HttpRequest("GET", "/bucket-1", query, {"host": "localhost:4566"})
    found = routing.find_operation("s3", request, service.hooks)
    assert found == (MODEL.operation_model(expected), {"Bucket": "bucket-1"})


def test_delete_with_a_subresource_never_deletes_the_bucket():
    request = HttpRequest("DELETE", "/bucket-1", "analytics", {"host": "localhost:4566"})
    assert routing.find_operation("s3", request, service.hooks)[0].name == "DeleteBucketAnalyticsConfiguration"


def test_unroutable_request_is_method_not_allowed():
    request = HttpRequest("PATCH", "/bucket-1/k", "", {"host": "localhost:4566"})
    error = raised(routing.find_operation, "s3", request, service.hooks)
    assert (error.code, error.status) == ("MethodNotAllowed", 405)


@pytest.mark.parametrize(
    "host, bucket",
    [
        ("bucket-1.localhost:4566", "bucket-1"),
        ("my.dotted.bucket.localhost:4566", "my.dotted.bucket"),
        ("bucket-1.s3.localhost.localstack.cloud:4566", "bucket-1"),
        ("bucket-1.s3.localhost:4566", "bucket-1"),
        ("a.s3.bucket.s3.localhost.example.org", "a.s3.bucket"),
        ("bucket-1.s3.amazonaws.com", "bucket-1"),
        ("bucket-1.s3.us-east-1.amazonaws.com", "bucket-1"),
        ("bucket-1.s3-us-west-2.amazonaws.com", "bucket-1"),
        ("my.s3.bucket.s3.eu-west-1.amazonaws.com", "my.s3.bucket"),
        ("bucket-1.s3.dualstack.us-east-1.amazonaws.com", "bucket-1"),
        ("Bucket-1.LOCALHOST:4566", "bucket-1"),
        ("localhost:4566", None),
        ("127.0.0.1:4566", None),
        ("localhost", None),
        ("s3.localhost:4566", None),
        ("s3.localhost.localstack.cloud:4566", None),
        ("s3.amazonaws.com", None),
        ("s3.us-east-1.amazonaws.com", None),
        ("s3-us-west-2.amazonaws.com", None),
        ("[::1]:4566", None),
        ("", None),
    ],
)
def test_bucket_from_host(host, bucket):
    assert addressing.bucket_from_host(host) == bucket


def test_virtual_host_root_is_the_bucket_and_path_keys_keep_their_slashes():
    request = HttpRequest("GET", "/", "list-type=2", {"host": "bucket-1.s3.us-east-1.amazonaws.com"})
    assert routing.find_operation("s3", request, service.hooks)[1] == {"Bucket": "bucket-1"}
    request = HttpRequest("GET", "//a%2Fb/c%20d", "", {"host": "bucket-1.localhost:4566"})
    assert routing.find_operation("s3", request, service.hooks) == (
        MODEL.operation_model("GetObject"),
        {"Bucket": "bucket-1", "Key": "/a/b/c d"},
    )


def test_object_lambda_route_in_the_host_is_not_a_bucket():
    request = HttpRequest(
        "POST", "/WriteGetObjectResponse", "", {"host": "route-1.localhost:4566", "x-amz-request-route": "route-1"}
    )
    assert routing.find_operation("s3", request, service.hooks)[0].name == "WriteGetObjectResponse"
