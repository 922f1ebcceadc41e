"""shop: the normalized tables and their one-big-table view, and CHECK (stock >= 0) making
an overselling order fail as a whole, in SQLite and PostgreSQL (also under concurrency)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from headwater.datasets import shop


def state(cursor_owner) -> tuple:
    orders = cursor_owner.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    stock = cursor_owner.execute("SELECT product_id, stock FROM products ORDER BY product_id").fetchall()
    return orders, stock


def nearly_sold_out(connection) -> tuple[int, int]:
    return connection.execute(
        "SELECT product_id, stock FROM products WHERE stock <= 2 ORDER BY product_id LIMIT 1").fetchone()


def test_tables_and_view(shop_sqlite):
    c = shop_sqlite
    counts = {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("customers", "products", "orders")}
    assert counts == {"customers": shop.CUSTOMERS, "products": len(shop.PRODUCTS), "orders": shop.ORDERS}
    wide = c.execute("SELECT COUNT(*), SUM(quantity) FROM one_big_table").fetchone()
    assert wide == c.execute("SELECT COUNT(*), SUM(quantity) FROM orders").fetchone()
    row = c.execute("SELECT email, sku, unit_price, quantity, line_total FROM one_big_table WHERE order_id = 1").fetchone()
    assert row[0].endswith("@example.com") and round(row[2] * row[3], 2) == round(row[4], 2)
    assert c.execute("SELECT MIN(stock) FROM products").fetchone()[0] >= 0
    assert c.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_oversell_is_rejected_atomically(shop_sqlite):
    product, stock = nearly_sold_out(shop_sqlite)
    before = state(shop_sqlite)
    with pytest.raises(sqlite3.IntegrityError, match="products_stock_check"):
        shop.place_order(shop_sqlite, "sqlite", 1, product, stock + 1)
    assert state(shop_sqlite) == before
    if stock:
        order_id = shop.place_order(shop_sqlite, "sqlite", 1, product, stock)
        assert order_id == shop.ORDERS + 1
        assert shop_sqlite.execute("SELECT stock FROM products WHERE product_id = ?", (product,)).fetchone() == (0,)


@pytest.fixture
def shop_postgres(postgres, request):
    name = "shop_" + request.node.name.lower()[-20:]
    connection = postgres(name, create=True)
    shop.load(connection, "postgres")
    yield connection, lambda: postgres(name)
    connection.close()


def test_postgres_oversell_is_rejected_atomically(shop_postgres):
    import psycopg

    connection, _ = shop_postgres
    product, stock = nearly_sold_out(connection)
    before = state(connection)
    with pytest.raises(psycopg.errors.CheckViolation, match="products_stock_check"):
        shop.place_order(connection, "postgres", 1, product, stock + 1)
    assert state(connection) == before
    assert connection.execute("SELECT COUNT(*) FROM one_big_table").fetchone() == (shop.ORDERS,)


def test_postgres_concurrent_orders_never_oversell(shop_postgres):
    import psycopg

    connection, connect = shop_postgres
    product = connection.execute("SELECT product_id FROM products WHERE stock >= 5 ORDER BY product_id").fetchone()[0]
    connection.execute("UPDATE products SET stock = 5 WHERE product_id = %s", (product,))
    connection.commit()
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def buyer():
        with connect() as own:
            start.wait()
            try:
                shop.place_order(own, "postgres", 2, product, 1)
                outcomes.append("placed")
            except psycopg.errors.CheckViolation:
                outcomes.append("rejected")

    threads = [threading.Thread(target=buyer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["placed"] * 5 + ["rejected"] * 3
    assert connection.execute("SELECT stock FROM products WHERE product_id = %s", (product,)).fetchone() == (0,)
    assert connection.execute("SELECT COUNT(*) FROM orders WHERE product_id = %s AND customer_id = 2 "
                              "AND order_id > %s", (product, shop.ORDERS)).fetchone() == (5,)
