"""Flexible checksums, with botocore's own checksum classes as the oracle."""

import base64

import pytest
from botocore.httpchecksum import (
    CrtCrc32Checksum,
    CrtCrc32cChecksum,
    CrtCrc64NvmeChecksum,
    CrtXxhash3Checksum,
    CrtXxhash64Checksum,
    CrtXxhash128Checksum,
    Sha1Checksum,
    Sha256Checksum,
    Sha512Checksum,
)

from headwater.protocol import checksums
from tests.protocol.wire import raised

BOTOCORE = {
    "crc32": CrtCrc32Checksum, "crc32c": CrtCrc32cChecksum, "crc64nvme": CrtCrc64NvmeChecksum,
    "sha1": Sha1Checksum, "sha256": Sha256Checksum, "sha512": Sha512Checksum,
    "xxhash64": CrtXxhash64Checksum, "xxhash3": CrtXxhash3Checksum, "xxhash128": CrtXxhash128Checksum,
}
DATA = bytes(range(256)) * 300 + "é漢🙂".encode()


@pytest.mark.parametrize("algorithm", BOTOCORE)
def test_incremental_checksums_equal_botocores(algorithm):
    expected = BOTOCORE[algorithm]().handle(DATA)
    pieces = [DATA[i:i + 7777] for i in range(0, len(DATA), 7777)]
    assert checksums.compute(algorithm, pieces) == expected
    assert checksums.compute(algorithm.upper(), [DATA]) == expected
    assert checksums.is_well_formed(algorithm, expected)


def test_known_values():
    # The CRC32C of the AWS documentation's trailer example (66,560 bytes of "a").
    assert checksums.compute("crc32c", [b"a" * 66560]) == "sOO8/Q=="
    empty_md5 = bytes.fromhex("d41d8cd98f00b204e9800998ecf8427e")
    assert checksums.compute("md5", [b""]) == base64.b64encode(empty_md5).decode()
    assert checksums.compute("crc32", []) == "AAAAAA=="


def test_well_formed_values_are_base64_of_the_right_size():
    assert not checksums.is_well_formed("crc32", "AAAAAAAA")  # six bytes
    assert not checksums.is_well_formed("sha1", "not base64!")
    assert not checksums.is_well_formed("crc64nvme", "AAAAAA==")


def test_header_names():
    assert checksums.header_name("CRC64NVME") == "x-amz-checksum-crc64nvme"
    assert checksums.algorithm_of("X-Amz-Checksum-SHA256") == "sha256"
    assert checksums.algorithm_of("x-amz-checksum-sha10") is None
    assert checksums.algorithm_of("x-amz-checksum-type") is None
    headers = {"x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-type": "FULL_OBJECT", "host": "h"}
    assert checksums.checksum_headers(headers) == {"crc32": "AAAAAA=="}
    with pytest.raises(ValueError):
        checksums.Checksum("crc16")


def test_verify_answers_as_s3():
    checksum = checksums.Checksum("crc32")
    checksum.update(b"hello\n")
    checksums.verify(checksum, "NjowIA==")
    wrong = raised(checksums.verify, checksum, "AAAAAA==")
    assert (wrong.code, wrong.status, wrong.message) == (
        "BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")
    malformed = raised(checksums.verify, checksum, "AAAA", trailing=False)
    assert (malformed.code, malformed.message) == ("InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid.")
