"""The SQL endpoints behind RDS instances: the embedded MySQL-protocol server
(``sql.mysql``) and real PostgreSQL (``sql.postgres``), both behind :class:`SqlEndpoint`."""
