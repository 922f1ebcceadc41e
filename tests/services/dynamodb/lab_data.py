"""Synthetic sample data for the course lab's four tables (ProductCatalog, Forum, Thread, Reply).

The values are made up; only the keys and relationships the lab hard-codes are kept
(docs: /work/shared/specs/course-labs.md §4.4): products 101 and 201, forum
"Amazon DynamoDB" with Messages 4, Threads 2, Views 1000, Thread 1 with replies by User A
and User B (one before 2015-09-21, one after), Thread 2 with two replies by User A, product
201 with a two-element Color list. Each table is in the lab's BatchWriteItem file format.
"""

FORUM = "Amazon DynamoDB"
THREAD_1 = "Amazon DynamoDB#DynamoDB Thread 1"
THREAD_2 = "Amazon DynamoDB#DynamoDB Thread 2"


def _s(text):
    return {"S": text}


def _n(number):
    return {"N": str(number)}


def _strings(*texts):
    return {"L": [_s(text) for text in texts]}


def _book(number, title, price, authors):
    return {
        "Id": _n(number), "Title": _s(title), "Price": _n(price), "ProductCategory": _s("Book"),
        "ISBN": _s(f"979-0-{number:03d}-0000-{number % 10}"), "Authors": _strings(*authors),
        "Dimensions": _s("8.0 x 10.5 x 0.6"), "PageCount": _n(300 + number), "InPublication": {"BOOL": number != 103},
    }


def _bicycle(number, title, price, kind, brand, colors):
    return {
        "Id": _n(number), "Title": _s(title), "Price": _n(price), "ProductCategory": _s("Bicycle"),
        "Description": _s(f"{title}, {kind.lower()} frame"), "BicycleType": _s(kind), "Brand": _s(brand),
        "Color": _strings(*colors),
    }


PRODUCTS = [
    _book(101, "Field Notes on Rivers", 14, ["Ada Brook"]),
    _book(102, "Streams and Tables", 22, ["Ada Brook", "Milo Fenn"]),
    _book(103, "Keys Before Values", 35, ["Ines Harrow"]),
    _bicycle(201, "Ridge Runner 18", 340, "Mountain", "Alder", ["Teal", "Orange"]),
    _bicycle(202, "City Glide 3", 260, "Hybrid", "Birchline", ["Grey"]),
    _bicycle(203, "Track Sprint", 510, "Road", "Cedarworks", ["White", "Black", "Red"]),
    _bicycle(204, "Little Loop", 120, "Kids", "Alder", ["Yellow"]),
    _bicycle(205, "Gravel Ghost", 780, "Gravel", "Birchline", ["Sand", "Olive"]),
]

FORUMS = [
    {"Name": _s(FORUM), "Category": _s("Databases"), "Threads": _n(2), "Messages": _n(4), "Views": _n(1000)},
    {"Name": _s("Amazon S3"), "Category": _s("Storage")},
]

THREADS = [
    {"ForumName": _s(FORUM), "Subject": _s("DynamoDB Thread 1"), "Message": _s("How do sort keys order items?"),
     "LastPostedBy": _s("User B"), "LastPostedDateTime": _s("2015-09-23T16:05:47.318Z"), "Views": _n(31),
     "Replies": _n(2), "Answered": _n(1), "Tags": _strings("sort key", "query")},
    {"ForumName": _s(FORUM), "Subject": _s("DynamoDB Thread 2"), "Message": _s("Is a scan ever cheap?"),
     "LastPostedBy": _s("User A"), "LastPostedDateTime": _s("2015-10-02T21:17:36.902Z"), "Views": _n(17),
     "Replies": _n(2), "Answered": _n(0), "Tags": _strings("scan", "capacity")},
    {"ForumName": _s("Amazon S3"), "Subject": _s("S3 Thread 1"), "Message": _s("Listing a prefix"),
     "LastPostedBy": _s("User C"), "LastPostedDateTime": _s("2015-08-11T09:12:03.640Z"), "Views": _n(5),
     "Replies": _n(0), "Answered": _n(0), "Tags": _strings("prefix")},
]

REPLIES = [
    {"Id": _s(THREAD_1), "ReplyDateTime": _s("2015-09-14T08:30:12.104Z"), "Message": _s("By the sort key bytes."),
     "PostedBy": _s("User A")},
    {"Id": _s(THREAD_1), "ReplyDateTime": _s("2015-09-23T16:05:47.318Z"), "Message": _s("And numbers numerically."),
     "PostedBy": _s("User B")},
    {"Id": _s(THREAD_2), "ReplyDateTime": _s("2015-09-27T11:42:09.551Z"), "Message": _s("Only on small tables."),
     "PostedBy": _s("User A")},
    {"Id": _s(THREAD_2), "ReplyDateTime": _s("2015-10-02T21:17:36.902Z"), "Message": _s("Or with a filter? No."),
     "PostedBy": _s("User A")},
]

TABLES = {
    "ProductCatalog": ([("Id", "N", "HASH")], PRODUCTS),
    "Forum": ([("Name", "S", "HASH")], FORUMS),
    "Thread": ([("ForumName", "S", "HASH"), ("Subject", "S", "RANGE")], THREADS),
    "Reply": ([("Id", "S", "HASH"), ("ReplyDateTime", "S", "RANGE")], REPLIES),
}


def request_items(table_name: str, items: list[dict]) -> dict:
    """A table's data in the lab's file format: BatchWriteItem RequestItems."""
    return {table_name: [{"PutRequest": {"Item": item}} for item in items]}
