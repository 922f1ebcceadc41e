"""The Rentio database's schema: Sakila v1.5's 16 tables (with the circular store <-> staff
keys), its 7 views and its triggers, for SQLite (MySQL-looking declared types) and
PostgreSQL.

Differences from MySQL's Sakila: ``address.location`` (GEOMETRY) and the FULLTEXT index of
``film_text`` are left out; ``ON UPDATE CURRENT_TIMESTAMP`` of ``last_update`` is a trigger
named ``<table>_last_update``; index names are unique in the whole database.
"""

from __future__ import annotations

from headwater.datasets.relational import Column, ForeignKey, Table

RATINGS = ("G", "PG", "PG-13", "R", "NC-17")
FEATURES = ("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes")


def _key(name: str, type_: str) -> Column:
    return Column(name, type_, auto_increment=True)


def _last_update(nullable: bool = False) -> Column:
    return Column("last_update", "TIMESTAMP", nullable, "CURRENT_TIMESTAMP")


def _enum(kind: str, members: tuple[str, ...]) -> str:
    return f"{kind}(" + ",".join(f"'{member}'" for member in members) + ")"


TABLES = (
    Table("actor", (
        _key("actor_id", "SMALLINT UNSIGNED"), Column("first_name", "VARCHAR(45)"),
        Column("last_name", "VARCHAR(45)"), _last_update(),
    ), ("actor_id",), indexes=(("idx_actor_last_name", ("last_name",)),)),
    Table("country", (
        _key("country_id", "SMALLINT UNSIGNED"), Column("country", "VARCHAR(50)"), _last_update(),
    ), ("country_id",)),
    Table("city", (
        _key("city_id", "SMALLINT UNSIGNED"), Column("city", "VARCHAR(50)"),
        Column("country_id", "SMALLINT UNSIGNED"), _last_update(),
    ), ("city_id",), (ForeignKey("country_id", "country"),),
        indexes=(("idx_fk_country_id", ("country_id",)),)),
    Table("address", (
        _key("address_id", "SMALLINT UNSIGNED"), Column("address", "VARCHAR(50)"),
        Column("address2", "VARCHAR(50)", nullable=True, default="NULL"), Column("district", "VARCHAR(20)"),
        Column("city_id", "SMALLINT UNSIGNED"), Column("postal_code", "VARCHAR(10)", nullable=True, default="NULL"),
        Column("phone", "VARCHAR(20)"), _last_update(),
    ), ("address_id",), (ForeignKey("city_id", "city"),), indexes=(("idx_fk_city_id", ("city_id",)),)),
    Table("category", (
        _key("category_id", "TINYINT UNSIGNED"), Column("name", "VARCHAR(25)"), _last_update(),
    ), ("category_id",)),
    Table("language", (
        _key("language_id", "TINYINT UNSIGNED"), Column("name", "CHAR(20)"), _last_update(),
    ), ("language_id",)),
    Table("staff", (
        _key("staff_id", "TINYINT UNSIGNED"), Column("first_name", "VARCHAR(45)"),
        Column("last_name", "VARCHAR(45)"), Column("address_id", "SMALLINT UNSIGNED"),
        Column("picture", "BLOB", nullable=True, default="NULL"),
        Column("email", "VARCHAR(50)", nullable=True, default="NULL"), Column("store_id", "TINYINT UNSIGNED"),
        Column("active", "TINYINT(1)", default="TRUE"), Column("username", "VARCHAR(16)"),
        Column("password", "VARCHAR(40)", nullable=True, default="NULL"), _last_update(),
    ), ("staff_id",), (ForeignKey("store_id", "store"), ForeignKey("address_id", "address")),
        indexes=(("idx_fk_staff_store_id", ("store_id",)), ("idx_fk_staff_address_id", ("address_id",)))),
    Table("store", (
        _key("store_id", "TINYINT UNSIGNED"), Column("manager_staff_id", "TINYINT UNSIGNED"),
        Column("address_id", "SMALLINT UNSIGNED"), _last_update(),
    ), ("store_id",), (ForeignKey("manager_staff_id", "staff"), ForeignKey("address_id", "address")),
        unique=(("idx_unique_manager", ("manager_staff_id",)),),
        indexes=(("idx_fk_store_address_id", ("address_id",)),)),
    Table("customer", (
        _key("customer_id", "SMALLINT UNSIGNED"), Column("store_id", "TINYINT UNSIGNED"),
        Column("first_name", "VARCHAR(45)"), Column("last_name", "VARCHAR(45)"),
        Column("email", "VARCHAR(50)", nullable=True, default="NULL"), Column("address_id", "SMALLINT UNSIGNED"),
        Column("active", "TINYINT(1)", default="TRUE"), Column("create_date", "DATETIME"), _last_update(nullable=True),
    ), ("customer_id",), (ForeignKey("address_id", "address"), ForeignKey("store_id", "store")),
        indexes=(("idx_fk_customer_store_id", ("store_id",)), ("idx_fk_customer_address_id", ("address_id",)),
                 ("idx_customer_last_name", ("last_name",)))),
    Table("film", (
        _key("film_id", "SMALLINT UNSIGNED"), Column("title", "VARCHAR(128)"),
        Column("description", "TEXT", nullable=True), Column("release_year", "YEAR", nullable=True, default="NULL"),
        Column("language_id", "TINYINT UNSIGNED"),
        Column("original_language_id", "TINYINT UNSIGNED", nullable=True, default="NULL"),
        Column("rental_duration", "TINYINT UNSIGNED", default="3"), Column("rental_rate", "DECIMAL(4,2)", default="4.99"),
        Column("length", "SMALLINT UNSIGNED", nullable=True, default="NULL"),
        Column("replacement_cost", "DECIMAL(5,2)", default="19.99"),
        Column("rating", _enum("ENUM", RATINGS), nullable=True, default="'G'"),
        Column("special_features", _enum("SET", FEATURES), nullable=True, default="NULL"), _last_update(),
    ), ("film_id",), (ForeignKey("language_id", "language"), ForeignKey("original_language_id", "language")),
        indexes=(("idx_title", ("title",)), ("idx_fk_language_id", ("language_id",)),
                 ("idx_fk_original_language_id", ("original_language_id",)))),
    Table("film_actor", (
        Column("actor_id", "SMALLINT UNSIGNED"), Column("film_id", "SMALLINT UNSIGNED"), _last_update(),
    ), ("actor_id", "film_id"), (ForeignKey("actor_id", "actor"), ForeignKey("film_id", "film")),
        indexes=(("idx_fk_film_actor_film_id", ("film_id",)),)),
    Table("film_category", (
        Column("film_id", "SMALLINT UNSIGNED"), Column("category_id", "TINYINT UNSIGNED"), _last_update(),
    ), ("film_id", "category_id"), (ForeignKey("film_id", "film"), ForeignKey("category_id", "category")),
        indexes=(("idx_fk_film_category_category_id", ("category_id",)),)),
    Table("film_text", (
        Column("film_id", "SMALLINT UNSIGNED"), Column("title", "VARCHAR(255)"), Column("description", "TEXT", nullable=True),
    ), ("film_id",)),
    Table("inventory", (
        _key("inventory_id", "MEDIUMINT UNSIGNED"), Column("film_id", "SMALLINT UNSIGNED"),
        Column("store_id", "TINYINT UNSIGNED"), _last_update(),
    ), ("inventory_id",), (ForeignKey("store_id", "store"), ForeignKey("film_id", "film")),
        indexes=(("idx_fk_inventory_film_id", ("film_id",)), ("idx_store_id_film_id", ("store_id", "film_id")))),
    Table("rental", (
        _key("rental_id", "INT"), Column("rental_date", "DATETIME"), Column("inventory_id", "MEDIUMINT UNSIGNED"),
        Column("customer_id", "SMALLINT UNSIGNED"), Column("return_date", "DATETIME", nullable=True, default="NULL"),
        Column("staff_id", "TINYINT UNSIGNED"), _last_update(),
    ), ("rental_id",), (ForeignKey("staff_id", "staff"), ForeignKey("inventory_id", "inventory"),
                        ForeignKey("customer_id", "customer")),
        unique=(("rental_date", ("rental_date", "inventory_id", "customer_id")),),
        indexes=(("idx_fk_inventory_id", ("inventory_id",)), ("idx_fk_rental_customer_id", ("customer_id",)),
                 ("idx_fk_rental_staff_id", ("staff_id",)))),
    Table("payment", (
        _key("payment_id", "SMALLINT UNSIGNED"), Column("customer_id", "SMALLINT UNSIGNED"),
        Column("staff_id", "TINYINT UNSIGNED"), Column("rental_id", "INT", nullable=True, default="NULL"),
        Column("amount", "DECIMAL(5,2)"), Column("payment_date", "DATETIME"), _last_update(nullable=True),
    ), ("payment_id",), (ForeignKey("rental_id", "rental", on_delete="SET NULL"),
                         ForeignKey("customer_id", "customer"), ForeignKey("staff_id", "staff")),
        indexes=(("idx_fk_payment_staff_id", ("staff_id",)), ("idx_fk_payment_customer_id", ("customer_id",)),
                 ("idx_fk_payment_rental_id", ("rental_id",)))),
)

# --- views ---------------------------------------------------------------------------------


def _agg(dialect: str, expression: str, separator: str) -> str:
    if dialect == "postgres":
        return f"string_agg({expression}, '{separator}' ORDER BY {expression})"
    return f"group_concat({expression}, '{separator}')"


def _capitalized(dialect: str, expression: str) -> str:
    if dialect == "postgres":
        return f"initcap({expression})"
    return f"upper(substr({expression}, 1, 1)) || lower(substr({expression}, 2))"


_PLACE_JOINS = """JOIN address a ON a.address_id = {alias}.address_id
JOIN city ON city.city_id = a.city_id
JOIN country ON country.country_id = city.country_id"""

_FILM_ROWS = """FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id
LEFT JOIN film_actor fa ON fa.film_id = f.film_id
LEFT JOIN actor ac ON ac.actor_id = fa.actor_id
GROUP BY f.film_id, f.title, f.description, c.name, f.rental_rate, f.length, f.rating"""

_SALES = """FROM payment p
JOIN rental r ON r.rental_id = p.rental_id
JOIN inventory i ON i.inventory_id = r.inventory_id"""


def _film_list(dialect: str, name_of) -> str:
    actor = f"{name_of('ac.first_name')} || ' ' || {name_of('ac.last_name')}"
    return (f"SELECT f.film_id AS FID, f.title AS title, f.description AS description, c.name AS category, "
            f"f.rental_rate AS price, f.length AS length, f.rating AS rating, "
            f"{_agg(dialect, actor, ', ')} AS actors\n{_FILM_ROWS}")


#: MySQL's types of the view columns SQLite leaves untyped (MySQL's SUM of DECIMAL(5,2)).
VIEW_TYPES = {
    "sales_by_film_category": {"total_sales": "decimal(27,2)"},
    "sales_by_store": {"total_sales": "decimal(27,2)"},
}


def views(dialect: str) -> dict[str, str]:
    """The seven Sakila views, by name, as SELECT statements of ``dialect``."""
    return {
        "actor_info": f"""SELECT actor_id, first_name, last_name,
  {_agg(dialect, "category || ': ' || titles", '; ')} AS film_info
FROM (SELECT a.actor_id, a.first_name, a.last_name, c.name AS category,
             {_agg(dialect, 'f.title', ', ')} AS titles
      FROM actor a
      LEFT JOIN film_actor fa ON fa.actor_id = a.actor_id
      LEFT JOIN film_category fc ON fc.film_id = fa.film_id
      LEFT JOIN category c ON c.category_id = fc.category_id
      LEFT JOIN film f ON f.film_id = fa.film_id
      GROUP BY a.actor_id, a.first_name, a.last_name, c.name) per_category
GROUP BY actor_id, first_name, last_name""",
        "customer_list": f"""SELECT cu.customer_id AS ID, cu.first_name || ' ' || cu.last_name AS name,
  a.address AS address, a.postal_code AS "zip code", a.phone AS phone, city.city AS city,
  country.country AS country, CASE WHEN cu.active THEN 'active' ELSE '' END AS notes, cu.store_id AS SID
FROM customer cu
{_PLACE_JOINS.format(alias="cu")}""",
        "film_list": _film_list(dialect, lambda column: column),
        "nicer_but_slower_film_list": _film_list(dialect, lambda column: _capitalized(dialect, column)),
        "sales_by_film_category": f"""SELECT c.name AS category, SUM(p.amount) AS total_sales
{_SALES}
JOIN film_category fc ON fc.film_id = i.film_id
JOIN category c ON c.category_id = fc.category_id
GROUP BY c.name
ORDER BY total_sales DESC""",
        "sales_by_store": f"""SELECT city.city || ',' || country.country AS store,
  m.first_name || ' ' || m.last_name AS manager, SUM(p.amount) AS total_sales
{_SALES}
JOIN store s ON s.store_id = i.store_id
{_PLACE_JOINS.format(alias="s")}
JOIN staff m ON m.staff_id = s.manager_staff_id
GROUP BY s.store_id, city.city, country.country, m.first_name, m.last_name
ORDER BY country.country, city.city""",
        "staff_list": f"""SELECT s.staff_id AS ID, s.first_name || ' ' || s.last_name AS name, a.address AS address,
  a.postal_code AS "zip code", a.phone AS phone, city.city AS city, country.country AS country,
  s.store_id AS SID
FROM staff s
{_PLACE_JOINS.format(alias="s")}""",
    }


# --- triggers ------------------------------------------------------------------------------

#: BEFORE INSERT triggers of sakila-data.sql stamping the current time: (trigger, table, column).
STAMPS = (("customer_create_date", "customer", "create_date"), ("payment_date", "payment", "payment_date"),
          ("rental_date", "rental", "rental_date"))


def _sqlite_triggers() -> list[str]:
    film_changed = "OLD.film_id IS NOT NEW.film_id OR OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description"
    statements = [
        ("CREATE TRIGGER ins_film AFTER INSERT ON film BEGIN\n"
        "  INSERT INTO film_text (film_id, title, description) VALUES (NEW.film_id, NEW.title, NEW.description);\nEND"),
        (f"CREATE TRIGGER upd_film AFTER UPDATE ON film WHEN {film_changed} BEGIN\n"
        "  UPDATE film_text SET film_id = NEW.film_id, title = NEW.title, description = NEW.description\n"
        "  WHERE film_id = OLD.film_id;\nEND"),
        "CREATE TRIGGER del_film AFTER DELETE ON film BEGIN\n  DELETE FROM film_text WHERE film_id = OLD.film_id;\nEND",
    ]
    statements += [
        f"CREATE TRIGGER {name} AFTER INSERT ON {table} BEGIN\n"
        f"  UPDATE {table} SET {column} = CURRENT_TIMESTAMP WHERE rowid = NEW.rowid;\nEND"
        for name, table, column in STAMPS
    ]
    statements += [
        f"CREATE TRIGGER {table.name}_last_update AFTER UPDATE ON {table.name}\n"
        f"WHEN NEW.last_update IS OLD.last_update BEGIN\n"
        f"  UPDATE {table.name} SET last_update = CURRENT_TIMESTAMP WHERE rowid = NEW.rowid;\nEND"
        for table in TABLES if "last_update" in table.column_names
    ]
    return statements


def _plpgsql(name: str, body: str) -> str:
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nEND\n$$")


def _postgres_triggers() -> list[str]:
    film_changed = ("OLD.film_id IS DISTINCT FROM NEW.film_id OR OLD.title IS DISTINCT FROM NEW.title "
                    "OR OLD.description IS DISTINCT FROM NEW.description")
    statements = [
        _plpgsql("sync_film_text", """  IF TG_OP = 'INSERT' THEN
    INSERT INTO film_text (film_id, title, description) VALUES (NEW.film_id, NEW.title, NEW.description);
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE film_text SET film_id = NEW.film_id, title = NEW.title, description = NEW.description
    WHERE film_id = OLD.film_id;
  ELSE
    DELETE FROM film_text WHERE film_id = OLD.film_id;
  END IF;
  RETURN NULL;"""),
        "CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW EXECUTE FUNCTION sync_film_text()",
        (f"CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW WHEN ({film_changed}) "
        "EXECUTE FUNCTION sync_film_text()"),
        "CREATE TRIGGER del_film AFTER DELETE ON film FOR EACH ROW EXECUTE FUNCTION sync_film_text()",
        _plpgsql("stamp_last_update", """  IF NEW.last_update IS NOT DISTINCT FROM OLD.last_update THEN
    NEW.last_update := LOCALTIMESTAMP(0);
  END IF;
  RETURN NEW;"""),
    ]
    for name, table, column in STAMPS:
        statements.append(_plpgsql(f"stamp_{name}", f"  NEW.{column} := LOCALTIMESTAMP(0);\n  RETURN NEW;"))
        statements.append(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION stamp_{name}()")
    statements += [
        f"CREATE TRIGGER {table.name}_last_update BEFORE UPDATE ON {table.name} FOR EACH ROW "
        "EXECUTE FUNCTION stamp_last_update()"
        for table in TABLES if "last_update" in table.column_names
    ]
    return statements


def extras(dialect: str) -> list[str]:
    """Views and triggers of ``dialect``, created once the rows are in."""
    statements = [f"CREATE VIEW {name} AS\n{select}" for name, select in views(dialect).items()]
    return statements + (_postgres_triggers() if dialect == "postgres" else _sqlite_triggers())
