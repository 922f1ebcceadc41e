"""shop, the course's normalized online-store database: ``customers``, ``products`` and
``orders`` (one product and quantity per order, referencing its customer and product), the
``one_big_table`` view joining them back into the denormalized form, and
``CHECK (stock >= 0)`` on ``products.stock`` so that an order that would oversell fails as a
whole (:func:`place_order`).

``load(connection, dialect, progress=None)`` creates it in PostgreSQL or SQLite.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from headwater.datasets import vocabulary as words
from headwater.datasets.relational import (
    Column,
    Dataset,
    ForeignKey,
    Progress,
    Rows,
    Table,
    load_dataset,
    placeholder,
    transaction,
)
from headwater.datasets.sampling import rng_for

CUSTOMERS, ORDERS = 40, 150
STATUSES = ("placed", "shipped", "delivered", "cancelled")
CREATED = "2024-01-02 09:00:00"

#: (sku, name, category, price)
PRODUCTS = (
    ("BK-1001", "Field Guide to Streams", "Books", "24.90"),
    ("BK-1002", "Pocket Atlas of Rivers", "Books", "18.50"),
    ("BK-1003", "Recipes from the Orchard", "Books", "31.00"),
    ("KT-2001", "Enamel Camp Mug", "Kitchen", "12.00"),
    ("KT-2002", "Cast Iron Skillet", "Kitchen", "46.75"),
    ("KT-2003", "Bamboo Cutting Board", "Kitchen", "22.40"),
    ("KT-2004", "Pour-Over Coffee Set", "Kitchen", "38.00"),
    ("GD-3001", "Rain Barrel", "Garden", "89.99"),
    ("GD-3002", "Seed Starter Tray", "Garden", "9.95"),
    ("GD-3003", "Folding Trowel", "Garden", "14.20"),
    ("OT-4001", "Trail Daypack", "Outdoor", "64.00"),
    ("OT-4002", "Insulated Bottle", "Outdoor", "27.30"),
    ("OT-4003", "Headlamp", "Outdoor", "33.10"),
    ("OT-4004", "Canoe Paddle", "Outdoor", "119.00"),
    ("EL-5001", "Weather Radio", "Electronics", "54.99"),
    ("EL-5002", "Solar Charger", "Electronics", "72.50"),
    ("EL-5003", "Water Quality Meter", "Electronics", "149.00"),
    ("TY-6001", "Wooden Boat Kit", "Toys", "29.99"),
    ("TY-6002", "River Stones Puzzle", "Toys", "16.80"),
    ("TY-6003", "Kite", "Toys", "21.00"),
)


TABLES = (
    Table("customers", (
        Column("customer_id", "INT", auto_increment=True), Column("first_name", "VARCHAR(45)"),
        Column("last_name", "VARCHAR(45)"), Column("email", "VARCHAR(100)"), Column("phone", "VARCHAR(20)", True),
        Column("address", "VARCHAR(100)"), Column("city", "VARCHAR(50)"), Column("country", "VARCHAR(50)"),
        Column("created_at", "TIMESTAMP", default="CURRENT_TIMESTAMP"),
    ), ("customer_id",), unique=(("customers_email_key", ("email",)),)),
    Table("products", (
        Column("product_id", "INT", auto_increment=True), Column("sku", "VARCHAR(20)"), Column("name", "VARCHAR(100)"),
        Column("category", "VARCHAR(50)"), Column("price", "DECIMAL(10,2)"), Column("stock", "INT", default="0"),
    ), ("product_id",), unique=(("products_sku_key", ("sku",)),),
        checks=(("products_price_check", "price >= 0"), ("products_stock_check", "stock >= 0"))),
    Table("orders", (
        Column("order_id", "INT", auto_increment=True), Column("customer_id", "INT"), Column("product_id", "INT"),
        Column("quantity", "INT"), Column("unit_price", "DECIMAL(10,2)"),
        Column("order_date", "TIMESTAMP", default="CURRENT_TIMESTAMP"),
        Column("status", "ENUM(" + ",".join(f"'{s}'" for s in STATUSES) + ")", default="'placed'"),
    ), ("order_id",), (
        ForeignKey("customer_id", "customers", references="customer_id"),
        ForeignKey("product_id", "products", references="product_id"),
    ), checks=(("orders_quantity_check", "quantity > 0"),),
        indexes=(("idx_orders_customer_id", ("customer_id",)), ("idx_orders_product_id", ("product_id",)))),
)

ONE_BIG_TABLE = """CREATE VIEW one_big_table AS
SELECT o.order_id, o.order_date, o.status,
  c.customer_id, c.first_name, c.last_name, c.email, c.phone, c.address, c.city, c.country,
  p.product_id, p.sku, p.name AS product_name, p.category, o.unit_price, o.quantity,
  o.unit_price * o.quantity AS line_total
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN products p ON p.product_id = o.product_id"""


@lru_cache(maxsize=1)
def rows() -> Rows:
    """Every table's rows (the same on every call and every run; do not modify them)."""
    rng = rng_for("shop")
    cities = words.city_names(rng, 12)
    countries = words.country_names(rng, 4)
    homes = {city: rng.choice(countries) for city in cities}
    customers = []
    for i, (first, last) in enumerate(words.full_names(rng, CUSTOMERS)):
        city = rng.choice(cities)
        customers.append((i + 1, first.title(), last.title(), f"{first}.{last}@example.com".lower(),
                          f"+1-555-{rng.randint(0, 9999):04d}", words.street_address(rng), city, homes[city], CREATED))
    start = datetime(2024, 1, 8, 8)
    orders, sold = [], [0] * len(PRODUCTS)
    moments = sorted(start + timedelta(minutes=rng.randrange(60 * 24 * 170)) for _ in range(ORDERS))
    for i, moment in enumerate(moments):
        product = rng.randrange(len(PRODUCTS))
        quantity = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
        sold[product] += quantity
        status = "delivered" if i < ORDERS - 20 else rng.choice(STATUSES[:3])
        orders.append((i + 1, rng.randint(1, CUSTOMERS), product + 1, quantity, PRODUCTS[product][3],
                       moment.strftime("%Y-%m-%d %H:%M:%S"), status))
    # What is left on the shelf: a few products nearly sold out, to make overselling easy.
    stock = [rng.choice((0, 1, 2)) if i % 5 == 0 else rng.randint(5, 80) for i in range(len(PRODUCTS))]
    products = [(i + 1, sku, name, category, price, stock[i]) for i, (sku, name, category, price) in enumerate(PRODUCTS)]
    return {"customers": customers, "products": products, "orders": orders}


def _extras(dialect: str) -> list[str]:
    return [ONE_BIG_TABLE]


DATASET = Dataset(TABLES, rows, _extras)


def load(connection, dialect: str, progress: Progress | None = None) -> dict[str, int]:
    """Create shop's tables, rows and view through ``connection`` (psycopg 3 for
    ``"postgres"``, sqlite3 for ``"sqlite"``) in one transaction, committed on success.
    ``progress(done, total)`` counts rows. Returns the rows loaded per table."""
    return load_dataset(connection, dialect, DATASET, progress)


def place_order(connection, dialect: str, customer_id: int, product_id: int, quantity: int) -> int:
    """Record an order and take its quantity off the product's stock, both or neither: an
    order larger than the stock violates ``products_stock_check`` and leaves nothing behind
    (the driver's integrity error propagates). Returns the new order's id."""
    mark = placeholder(dialect)
    with transaction(connection, dialect) as cursor:
        cursor.execute(
            f"INSERT INTO orders (customer_id, product_id, quantity, unit_price) "
            f"SELECT {mark}, product_id, {mark}, price FROM products WHERE product_id = {mark} RETURNING order_id",
            (customer_id, quantity, product_id),
        )
        inserted = cursor.fetchone()
        if inserted is None:
            raise LookupError(f"no product {product_id}")
        cursor.execute(f"UPDATE products SET stock = stock - {mark} WHERE product_id = {mark}", (quantity, product_id))
    return inserted[0]
