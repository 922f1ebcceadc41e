"""Amazon RDS: the control plane for real SQL endpoints, durable in SQLite.

``instances``, ``snapshots``, ``subnet_groups`` and ``tags`` hold the operations; ``store``
the schema and statements; ``params`` the checks with AWS's wording; ``lifecycle`` the
background work (through ``headwater.sql.runtime``) and the service's start and stop,
which bring every instance back on its port and create the samples when asked.
"""

from headwater.registry import Service
from headwater.services.rds import lifecycle
from headwater.services.rds.store import MIGRATIONS

service = Service("rds", migrations=MIGRATIONS, startup=lifecycle.startup, shutdown=lifecycle.shutdown)

from headwater.services.rds import instances, snapshots, subnet_groups, tags  # noqa: E402,F401  (register operations)
