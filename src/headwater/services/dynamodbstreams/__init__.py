"""Amazon DynamoDB Streams: the change records of DynamoDB tables, read in order.

DynamoDB writes a stream record with every change, in the change's own transaction
(``services/dynamodb/store.py``); this service reads them from the same database
(``database="dynamodb"``). ``describe`` lists and describes streams, ``records`` hands
out shard iterators (``iterators``) and records; IAM actions are ``dynamodb:*``.
"""

from headwater.registry import Service
from headwater.services.dynamodbstreams.errors import error_type

service = Service("dynamodbstreams", iam_prefix="dynamodb", database="dynamodb", hooks={"error_type": error_type})

from headwater.services.dynamodbstreams import describe, records  # noqa: E402,F401  (register operations)
