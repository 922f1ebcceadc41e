"""Recorded denials: durable, bounded, and told in plain language."""

from click.testing import CliRunner

from headwater.auth import denials
from headwater.auth.commands import why_denied

T0 = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC


def denial(number: int = 0, **changes) -> denials.Denial:
    fields = dict(at=T0 + number, principal="arn:aws:iam::000000000000:user/alice", action="dynamodb:PutItem",
                  resource="arn:aws:dynamodb:us-east-1:000000000000:table/Orders", decision="ImplicitDeny",
                  reason="no statement allows dynamodb:PutItem", missing_context=[], enforced=True,
                  policy_type="identity-based")
    return denials.Denial(**{**fields, **changes})


def test_recorded_denials_survive_reopening_and_only_the_last_are_kept(tmp_path):
    database = denials.open_database(tmp_path)
    with database.transaction() as conn:
        for number in range(denials.KEEP + 5):
            denials.record(conn, denial(number))
    database.close()
    database = denials.open_database(tmp_path)
    with database.transaction(write=False) as conn:
        kept = denials.recent(conn, denials.KEEP + 5)
        last = denials.recent(conn, 2)
    database.close()
    assert len(kept) == denials.KEEP
    assert kept[0].at == T0 + 5
    assert [found.at for found in last] == [T0 + denials.KEEP + 3, T0 + denials.KEEP + 4]
    assert last[-1] == denial(denials.KEEP + 4)


def test_describe_says_who_what_and_why():
    text = denials.describe(denial(missing_context=["aws:sourceip"]))
    assert text.splitlines() == [
        "2026-01-01 00:00:00 UTC  user alice was denied dynamodb:PutItem on table/Orders",
        "    why: no statement allows dynamodb:PutItem",
        "    the policies test keys this request did not carry: aws:sourceip",
    ]


def test_describe_soft_mode_and_sessions():
    text = denials.describe(denial(principal="arn:aws:sts::000000000000:assumed-role/etl/s1", enforced=False,
                                   resource="arn:aws:s3:::bucket/key"))
    assert text.splitlines()[0].endswith("role etl (session s1) would be denied (soft mode; allowed) "
                                         "dynamodb:PutItem on bucket/key")


def test_who_names_principals_plainly():
    assert denials.who("arn:aws:iam::000000000000:user/team/bob") == "user bob"
    assert denials.who("arn:aws:iam::111111111111:root") == "root of 111111111111"
    assert denials.who("anonymous") == "anonymous"


def test_why_denied_prints_the_last_denials(tmp_path):
    database = denials.open_database(tmp_path)
    with database.transaction() as conn:
        denials.record(conn, denial(0, action="dynamodb:GetItem"))
        denials.record(conn, denial(1))
    database.close()
    result = CliRunner().invoke(why_denied, ["--data-dir", str(tmp_path), "--last", "1"])
    assert result.exit_code == 0
    assert "user alice was denied dynamodb:PutItem on table/Orders" in result.output
    assert "GetItem" not in result.output


def test_why_denied_without_denials(tmp_path):
    result = CliRunner().invoke(why_denied, ["--data-dir", str(tmp_path)])
    assert result.output == "No request has been denied yet.\n"
