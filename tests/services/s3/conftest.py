"""Fixtures of the S3 black-box tests: a client, throw-away buckets emptied after each test."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError


def unique(prefix: str = "hw") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def s3(aws):
    return aws("s3")


def empty_and_delete(s3, name: str) -> None:
    """Remove every version, delete marker and upload of a bucket, then the bucket."""
    try:
        while True:
            page = s3.list_object_versions(Bucket=name)
            entries = [{"Key": e["Key"], "VersionId": e["VersionId"]}
                       for e in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            if not entries:
                break
            s3.delete_objects(Bucket=name, Delete={"Objects": entries, "Quiet": True},
                              BypassGovernanceRetention=True)
        for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
        s3.delete_bucket(Bucket=name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchBucket":
            raise


@pytest.fixture
def make_bucket(s3):
    """``make_bucket(**create_args)`` creates a uniquely named bucket, removed after the test."""
    made = []

    def make(**kwargs) -> str:
        name = unique()
        s3.create_bucket(Bucket=name, **kwargs)
        made.append(name)
        return name

    yield make
    for name in made:
        empty_and_delete(s3, name)


@pytest.fixture
def bucket(make_bucket) -> str:
    return make_bucket()


def error_of(call, *args, **kwargs) -> ClientError:
    """The ClientError ``call`` raises (the test fails if it succeeds)."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value


def code_of(call, *args, **kwargs) -> str:
    return error_of(call, *args, **kwargs).response["Error"]["Code"]


def status_of(error: ClientError) -> int:
    return error.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def endpoint(request, server) -> str:
    """The endpoint under test, for clients other than boto3 (the AWS CLI, plain HTTP)."""
    return request.config.getoption("--endpoint-url") or server.endpoint
