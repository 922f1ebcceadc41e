"""Authentication: access keys, SigV4 verification and AWS's answers when it fails."""
