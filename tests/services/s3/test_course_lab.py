"""The S3 lab of the course (course-labs §5), call by call, with its documented results."""

from __future__ import annotations

import json
import os

from boto3.s3.transfer import TransferConfig

from tests.services.s3.conftest import unique

OPEN = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}


def sizes(s3, bucket, prefix):
    return {obj["Key"]: obj["Size"] for obj in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]}


def test_s3_lab_sequence(s3, tmp_path):
    bucket = unique("de-c2w1lab3")
    s3.create_bucket(Bucket=bucket)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    files = {"csv/ratings_ml_training_dataset.csv": 274459, "json/delivery-stream-one-record.json": 1784}
    for key, size in files.items():
        path = tmp_path / key.replace("/", "_")
        path.write_bytes(os.urandom(size))
        s3.upload_file(str(path), bucket, key, Config=TransferConfig(multipart_threshold=100 * 1024))
        assert sizes(s3, bucket, key.split("/")[0] + "/") == {key: size}
    downloaded = tmp_path / "downloads" / "delivery-stream-one-record.json"
    downloaded.parent.mkdir()
    s3.download_file(bucket, "json/delivery-stream-one-record.json", str(downloaded))
    assert downloaded.read_bytes() == (tmp_path / "json_delivery-stream-one-record.json").read_bytes()
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OPEN)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                      "Resource": f"arn:aws:s3:::{bucket}/images/*"}]}
    answer = s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    logo_v1, logo_v2 = tmp_path / "v1.png", tmp_path / "v2.png"
    logo_v1.write_bytes(os.urandom(28107))
    logo_v2.write_bytes(os.urandom(30000))
    s3.upload_file(str(logo_v1), bucket, "images/AWS-Logo.png")
    assert sizes(s3, bucket, "images/") == {"images/AWS-Logo.png": 28107}
    versioning = s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert versioning["ResponseMetadata"]["HTTPStatusCode"] == 200
    s3.upload_file(str(logo_v2), bucket, "images/AWS-Logo.png")
    assert [obj["Key"] for obj in s3.list_objects_v2(Bucket=bucket, Prefix="images")["Contents"]] == [
        "images/AWS-Logo.png"]
    versions = s3.list_object_versions(Bucket=bucket, Prefix="images/")["Versions"]
    assert len(versions) == 2
    latest, older = versions
    assert latest["IsLatest"] is True and latest["VersionId"] not in ("null", "")
    assert older["IsLatest"] is False and older["VersionId"] == "null" and older["Size"] == 28107
    assert all("LastModified" in version for version in versions)
    everything = s3.list_object_versions(Bucket=bucket)
    for entry in everything.get("Versions", []) + everything.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
    assert s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
