"""IAM's errors, with codes and statuses read from the model's exception shapes."""

from __future__ import annotations

from headwater.errors import ServiceError
from headwater.protocol import specs


def iam_error(shape: str, message: str) -> ServiceError:
    """An error of the modeled exception ``shape`` (its code trait goes on the wire)."""
    trait = specs.load("iam").shape_for(shape).metadata["error"]
    return ServiceError(shape, message, trait["httpStatusCode"], trait.get("senderFault", False))


def no_such_entity(message: str) -> ServiceError:
    return iam_error("NoSuchEntityException", message)


def missing(kind: str, name: str) -> ServiceError:
    """``The user with name alice cannot be found.``"""
    return no_such_entity(f"The {kind} with name {name} cannot be found.")


def already_exists(message: str) -> ServiceError:
    return iam_error("EntityAlreadyExistsException", message)


def entity_exists(kind: str, name: str) -> ServiceError:
    """``User with name alice already exists.``"""
    return already_exists(f"{kind} with name {name} already exists.")


def delete_conflict(message: str) -> ServiceError:
    return iam_error("DeleteConflictException", message)


def limit_exceeded(message: str) -> ServiceError:
    return iam_error("LimitExceededException", message)


def invalid_input(message: str) -> ServiceError:
    return iam_error("InvalidInputException", message)


def malformed_policy(message: str) -> ServiceError:
    return iam_error("MalformedPolicyDocumentException", message)


def validation_error(message: str) -> ServiceError:
    """The query services' generic 400 for a value the model alone does not rule out."""
    return ServiceError("ValidationError", message)
