"""S3's errors with the codes, statuses, messages and extra elements AWS answers with."""

from __future__ import annotations

from headwater.errors import ServiceError


def no_such_bucket(name: str) -> ServiceError:
    return ServiceError("NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": name})


def no_such_key(key: str) -> ServiceError:
    return ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})


def no_such_version(key: str, version_id: str) -> ServiceError:
    return ServiceError("NoSuchVersion", "The specified version does not exist.", 404,
                        fields={"Key": key, "VersionId": version_id})


def no_such_upload(upload_id: str) -> ServiceError:
    return ServiceError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                        "or the upload may have been aborted or completed.", 404, fields={"UploadId": upload_id})


def bucket_already_owned(name: str) -> ServiceError:
    return ServiceError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded "
                        "and you already own it.", 409, fields={"BucketName": name})


def bucket_already_exists(name: str) -> ServiceError:
    return ServiceError("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace "
                        "is shared by all users of the system. Please select a different name and try again.",
                        409, fields={"BucketName": name})


def bucket_not_empty(name: str) -> ServiceError:
    return ServiceError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409,
                        fields={"BucketName": name})


def invalid_bucket_name(name: str) -> ServiceError:
    return ServiceError("InvalidBucketName", "The specified bucket is not valid.", 400, fields={"BucketName": name})


def invalid_location_constraint(constraint: str | None) -> ServiceError:
    return ServiceError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400,
                        fields={"LocationConstraint": constraint})


def illegal_location_constraint(constraint: str, region: str) -> ServiceError:
    return ServiceError(
        "IllegalLocationConstraintException",
        f"The {constraint} location constraint is incompatible for the region specific endpoint this "
        f"request was sent to.", 400)


def precondition_failed(condition: str) -> ServiceError:
    return ServiceError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                        412, fields={"Condition": condition})


def not_modified() -> ServiceError:
    return ServiceError("NotModified", "Not Modified", 304)


def invalid_range(size: int, requested: str) -> ServiceError:
    return ServiceError("InvalidRange", "The requested range is not satisfiable", 416,
                        fields={"RangeRequested": requested, "ActualObjectSize": str(size)})


def invalid_part_number(number: int, count: int) -> ServiceError:
    return ServiceError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                        fields={"PartNumberRequested": str(number), "ActualPartCount": str(count)})


def invalid_argument(message: str, name: str | None = None, value: str | None = None) -> ServiceError:
    return ServiceError("InvalidArgument", message, 400, fields={"ArgumentName": name, "ArgumentValue": value})


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequest", message, 400)


def invalid_digest(value: str) -> ServiceError:
    return ServiceError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400,
                        fields={"Content-MD5": value})


def bad_digest(expected: str, calculated: str) -> ServiceError:
    return ServiceError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400,
                        fields={"ExpectedDigest": expected, "CalculatedDigest": calculated})


def entity_too_small(size: int, minimum: int) -> ServiceError:
    return ServiceError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400,
                        fields={"ProposedSize": str(size), "MinSizeAllowed": str(minimum)})


def entity_too_large(size: int, maximum: int) -> ServiceError:
    return ServiceError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400,
                        fields={"ProposedSize": str(size), "MaxSizeAllowed": str(maximum)})


def invalid_part(number: int, etag: str | None) -> ServiceError:
    return ServiceError("InvalidPart", "One or more of the specified parts could not be found.  The part may not "
                        "have been uploaded, or the specified entity tag may not match the part's entity tag.",
                        400, fields={"PartNumber": str(number), "ETag": etag})


def invalid_part_order() -> ServiceError:
    return ServiceError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered "
                        "by part number.", 400)


def malformed_xml() -> ServiceError:
    return ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                        "published schema", 400)


def method_not_allowed(method: str, resource: str) -> ServiceError:
    return ServiceError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405,
                        fields={"Method": method, "ResourceType": resource}, headers={"Allow": "DELETE"})


def access_denied(message: str = "Access Denied") -> ServiceError:
    return ServiceError("AccessDenied", message, 403)


def invalid_bucket_state(message: str) -> ServiceError:
    return ServiceError("InvalidBucketState", message, 409)


def key_too_long() -> ServiceError:
    return ServiceError("KeyTooLongError", "Your key is too long", 400)


def no_such_tag_set() -> ServiceError:
    return ServiceError("NoSuchTagSet", "The TagSet does not exist", 404)


def invalid_tag(message: str) -> ServiceError:
    return ServiceError("InvalidTag", message, 400)


def object_lock_missing(name: str) -> ServiceError:
    return ServiceError("ObjectLockConfigurationNotFoundError",
                        "Object Lock configuration does not exist for this bucket", 404, fields={"BucketName": name})


def no_such_object_lock_configuration() -> ServiceError:
    return ServiceError("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock "
                        "configuration", 404)
