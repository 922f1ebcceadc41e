"""The wire: one module per AWS protocol, each with parse_request, serialize_response and
serialize_error, driven by botocore's service models loaded at run time."""
