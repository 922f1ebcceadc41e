"""botocore service models, loaded at run time (never generated into code).

headwater's own additions to a model (error shapes it lacks, S3's XML root element
names) live beside the package in ``data/<service>.json``, in botocore's sdk-extras
format, and are merged on load.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources

import botocore.loaders
import botocore.model


@lru_cache(maxsize=None)
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


def _extras(service: str) -> dict | None:
    path = resources.files("headwater").joinpath(f"data/{service}.json")
    return json.loads(path.read_text()) if path.is_file() else None


@lru_cache(maxsize=None)
def load(service: str) -> botocore.model.ServiceModel:
    """The botocore ServiceModel of ``service`` (a botocore name such as "dynamodb")."""
    data = _loader().load_service_model(service, "service-2")
    extras = _extras(service)
    if extras:
        data = copy.deepcopy(data)
        botocore.loaders.ExtrasProcessor().process(data, [extras])
    return botocore.model.ServiceModel(data, service_name=service)


def operation(service: str, name: str) -> botocore.model.OperationModel:
    return load(service).operation_model(name)


def protocol(service: str) -> str:
    """"json", "query", "ec2" or "rest-xml"."""
    return load(service).metadata["protocol"]
