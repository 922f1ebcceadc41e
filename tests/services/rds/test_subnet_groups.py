"""DB subnet groups: lifecycle, pagination, tags and the errors around them."""

import pytest
from botocore.exceptions import ClientError


def test_subnet_group_lifecycle(rds):
    created = rds.create_db_subnet_group(
        DBSubnetGroupName="Lab-Subnets", DBSubnetGroupDescription="lab", SubnetIds=["subnet-1", "subnet-2"],
        Tags=[{"Key": "k", "Value": "v"}],
    )["DBSubnetGroup"]
    assert created["DBSubnetGroupName"] == "lab-subnets"
    assert created["DBSubnetGroupArn"] == "arn:aws:rds:us-east-1:000000000000:subgrp:lab-subnets"
    assert [s["SubnetIdentifier"] for s in created["Subnets"]] == ["subnet-1", "subnet-2"]
    with pytest.raises(ClientError) as caught:
        rds.create_db_subnet_group(DBSubnetGroupName="lab-subnets", DBSubnetGroupDescription="x", SubnetIds=["s"])
    assert caught.value.response["Error"]["Code"] == "DBSubnetGroupAlreadyExists"

    modified = rds.modify_db_subnet_group(DBSubnetGroupName="lab-subnets", SubnetIds=["subnet-3"],
                                          DBSubnetGroupDescription="changed")["DBSubnetGroup"]
    assert [s["SubnetIdentifier"] for s in modified["Subnets"]] == ["subnet-3"]
    described = rds.describe_db_subnet_groups(DBSubnetGroupName="lab-subnets")["DBSubnetGroups"][0]
    assert described["DBSubnetGroupDescription"] == "changed"
    assert rds.list_tags_for_resource(ResourceName=created["DBSubnetGroupArn"])["TagList"] == [{"Key": "k", "Value": "v"}]

    rds.delete_db_subnet_group(DBSubnetGroupName="lab-subnets")
    with pytest.raises(ClientError) as caught:
        rds.describe_db_subnet_groups(DBSubnetGroupName="lab-subnets")
    assert caught.value.response["Error"]["Code"] == "DBSubnetGroupNotFoundFault"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_default_is_a_reserved_name(rds):
    with pytest.raises(ClientError) as caught:
        rds.create_db_subnet_group(DBSubnetGroupName="default", DBSubnetGroupDescription="x", SubnetIds=["s"])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_describe_pages_with_marker(rds):
    names = [f"page-{index:02d}" for index in range(21)]
    for name in names:
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="p", SubnetIds=["s"])
    first = rds.describe_db_subnet_groups(MaxRecords=20)
    assert len(first["DBSubnetGroups"]) == 20 and first["Marker"]
    second = rds.describe_db_subnet_groups(MaxRecords=20, Marker=first["Marker"])
    seen = [g["DBSubnetGroupName"] for g in first["DBSubnetGroups"] + second["DBSubnetGroups"]]
    assert [name for name in seen if name.startswith("page-")] == names
    assert "Marker" not in second
    paginated = rds.get_paginator("describe_db_subnet_groups").paginate(PaginationConfig={"PageSize": 20})
    assert [name for page in paginated for name in (g["DBSubnetGroupName"] for g in page["DBSubnetGroups"])
            if name.startswith("page-")] == names
    for name in names:
        rds.delete_db_subnet_group(DBSubnetGroupName=name)
