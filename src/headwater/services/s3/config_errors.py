"""The errors of S3's bucket subresources, worded as AWS words them (the generic ones,
``InvalidArgument``, ``InvalidRequest``, ``InvalidTag``, ``MalformedXML``, are in ``errors``)."""

from __future__ import annotations

from headwater.errors import ServiceError


def _missing(code: str, message: str, bucket: str) -> ServiceError:
    return ServiceError(code, message, 404, fields={"BucketName": bucket})


def no_such_bucket_policy(bucket: str) -> ServiceError:
    return _missing("NoSuchBucketPolicy", "The bucket policy does not exist", bucket)


def no_such_tag_set(bucket: str) -> ServiceError:
    return _missing("NoSuchTagSet", "The TagSet does not exist", bucket)


def no_such_cors(bucket: str) -> ServiceError:
    return _missing("NoSuchCORSConfiguration", "The CORS configuration does not exist", bucket)


def no_such_lifecycle(bucket: str) -> ServiceError:
    return _missing("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", bucket)


def no_such_public_access_block(bucket: str) -> ServiceError:
    return _missing("NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found", bucket)


def no_ownership_controls(bucket: str) -> ServiceError:
    return _missing("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", bucket)


def no_such_website(bucket: str) -> ServiceError:
    return _missing("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration",
                    bucket)


def malformed_policy(message: str) -> ServiceError:
    return ServiceError("MalformedPolicy", message, 400)


def acls_not_supported() -> ServiceError:
    return ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)


def acl_conflicts_with_ownership() -> ServiceError:
    return ServiceError("InvalidBucketAclWithObjectOwnership",
                        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400)


def blocked_by_public_access(principal_arn: str, action: str, bucket: str, setting: str) -> ServiceError:
    """A public policy or ACL refused because of the bucket's public access block."""
    kind = "policies" if setting == "BlockPublicPolicy" else "ACLs"
    return ServiceError(
        "AccessDenied",
        f'User: {principal_arn} is not authorized to perform: {action} on resource: "arn:aws:s3:::{bucket}" '
        f"because public {kind} are blocked by the {setting} block public access setting.",
        403,
    )


def cors_forbidden(message: str) -> ServiceError:
    return ServiceError("AccessForbidden", f"CORSResponse: {message}", 403)


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequest", message, 400)
