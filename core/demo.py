"""The demo shop database: the default connection when nothing is configured.

Its rows are generated, not shipped: a seeded random walk that depends only on
the day it is built for, with dates spread over the two years before that day,
so "last month" and "this year" always have data. The same rows can be written
to SQLite, PostgreSQL or MySQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

logger = logging.getLogger(__name__)

CUSTOMERS = 600
ORDERS = 3000
EMPLOYEES = 24
SPAN_DAYS = 730

CITIES = (
    ("New York", "NY"),
    ("Los Angeles", "CA"),
    ("Chicago", "IL"),
    ("Houston", "TX"),
    ("Phoenix", "AZ"),
    ("Philadelphia", "PA"),
    ("San Antonio", "TX"),
    ("San Diego", "CA"),
    ("Dallas", "TX"),
    ("Austin", "TX"),
    ("Seattle", "WA"),
    ("Denver", "CO"),
    ("Boston", "MA"),
    ("Miami", "FL"),
    ("Portland", "OR"),
    ("Atlanta", "GA"),
)
FIRST_NAMES = (
    "Ava Ben Chloe Daniel Emma Felix Grace Henry Isla Jack Kara Leo Maya Noah Olivia Paul "
    "Quinn Rosa Sam Tara Umar Vera Will Xena Yusuf Zoe Amir Bea Carlos Dina Eli Fatima"
).split()
LAST_NAMES = (
    "Adams Baker Chen Diaz Evans Fischer Garcia Hughes Ito Jones Kim Lopez Miller Nguyen "
    "Okafor Patel Quinn Rossi Smith Taylor Usman Varga Walsh Xu Young Zimmer"
).split()
CATALOGUE = {
    "Electronics": ("Headphones", "Speaker", "Charger", "Keyboard", "Mouse", "Monitor", "Webcam"),
    "Books": ("Cookbook", "Novel", "Atlas", "Biography", "Poetry Collection", "Field Guide"),
    "Home": ("Lamp", "Kettle", "Blanket", "Vase", "Cutting Board", "Mug Set", "Clock"),
    "Garden": ("Hose", "Planter", "Shears", "Seed Kit", "Watering Can"),
    "Sports": ("Yoga Mat", "Water Bottle", "Dumbbells", "Jump Rope", "Tennis Balls", "Backpack"),
    "Toys": ("Puzzle", "Board Game", "Kite", "Building Blocks", "Plush Bear"),
}
ADJECTIVES = ("Classic", "Deluxe", "Compact", "Pro")
STATUSES = ("delivered", "delivered", "delivered", "shipped", "processing", "cancelled", "returned")
TITLES = ("Sales Associate", "Sales Associate", "Support Agent", "Account Manager", "Sales Manager")

metadata = sa.MetaData()

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("first_name", sa.String(40), nullable=False),
    sa.Column("last_name", sa.String(40), nullable=False),
    sa.Column("email", sa.String(120), nullable=False),
    sa.Column("city", sa.String(40), nullable=False),
    sa.Column("state", sa.String(2), nullable=False),
    sa.Column("signup_date", sa.Date, nullable=False),
    sa.Column("last_login", sa.DateTime, nullable=True),
)
products = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("price", sa.Numeric(10, 2), nullable=False),
)
employees = sa.Table(
    "employees",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("first_name", sa.String(40), nullable=False),
    sa.Column("last_name", sa.String(40), nullable=False),
    sa.Column("title", sa.String(40), nullable=False),
    sa.Column("city", sa.String(40), nullable=False),
    sa.Column("hire_date", sa.Date, nullable=False),
    sa.Column("salary", sa.Numeric(10, 2), nullable=False),
    sa.Column("manager_id", sa.Integer, sa.ForeignKey("employees.id"), nullable=True),
)
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("employee_id", sa.Integer, sa.ForeignKey("employees.id"), nullable=True),
    sa.Column("order_date", sa.Date, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("total", sa.Numeric(10, 2), nullable=False),
)
order_items = sa.Table(
    "order_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), nullable=False),
    sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
)


@dataclass(frozen=True)
class DemoData:
    """Rows for every demo table, in insertion order."""

    day: dt.date
    tables: dict[str, list[dict[str, Any]]]


def generate(day: dt.date) -> DemoData:
    """Build the demo rows for ``day``; the same day always gives the same rows."""
    rng = random.Random(f"sqlbot-demo-{day.isoformat()}")
    start = day - dt.timedelta(days=SPAN_DAYS)
    product_rows = _products(rng)
    employee_rows = _employees(rng, start)
    customer_rows = _customers(rng, start, day)
    order_rows, item_rows = _orders(rng, customer_rows, product_rows, employee_rows, day)
    tables = {
        "customers": customer_rows,
        "products": product_rows,
        "employees": employee_rows,
        "orders": order_rows,
        "order_items": item_rows,
    }
    return DemoData(day, tables)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _products(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for category, names in CATALOGUE.items():
        for name in names:
            for adjective in rng.sample(ADJECTIVES, 2):
                price = _money(rng.uniform(4, 40) * (3 if category == "Electronics" else 1))
                rows.append({"name": f"{adjective} {name}", "category": category, "price": price})
    return [{"id": i, **row} for i, row in enumerate(rows, start=1)]


def _employees(rng: random.Random, start: dt.date) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, EMPLOYEES + 1):
        title = "Head of Sales" if i == 1 else rng.choice(TITLES)
        rows.append(
            {
                "id": i,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "title": title,
                "city": rng.choice(CITIES)[0],
                "hire_date": start - dt.timedelta(days=rng.randint(0, 1500)),
                "salary": _money(rng.uniform(42000, 120000) if i > 1 else 150000),
                "manager_id": None if i == 1 else rng.randint(1, max(1, min(i - 1, 5))),
            }
        )
    return rows


def _customers(rng: random.Random, start: dt.date, day: dt.date) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, CUSTOMERS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, state = rng.choice(CITIES)
        signup = start + dt.timedelta(days=rng.randint(0, SPAN_DAYS - 1))
        rows.append(
            {
                "id": i,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}{i}@example.com".lower(),
                "city": city,
                "state": state,
                "signup_date": signup,
                "last_login": _last_login(rng, signup, day),
            }
        )
    return rows


def _last_login(rng: random.Random, signup: dt.date, day: dt.date) -> dt.datetime | None:
    if rng.random() < 0.05:
        return None
    days_since = (day - signup).days
    login_day = signup + dt.timedelta(days=rng.randint(0, max(0, days_since - 1)))
    moment = dt.time(rng.randint(6, 23), rng.randint(0, 59), rng.randint(0, 59))
    return dt.datetime.combine(login_day, moment)


def _orders(
    rng: random.Random,
    customer_rows: list[dict[str, Any]],
    product_rows: list[dict[str, Any]],
    employee_rows: list[dict[str, Any]],
    day: dt.date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    orders_out: list[dict[str, Any]] = []
    items_out: list[dict[str, Any]] = []
    for order_id in range(1, ORDERS + 1):
        customer = rng.choice(customer_rows)
        span = (day - customer["signup_date"]).days
        order_date = customer["signup_date"] + dt.timedelta(days=rng.randint(0, max(0, span - 1)))
        lines = _order_lines(rng, product_rows, order_id, len(items_out))
        items_out.extend(lines)
        orders_out.append(
            {
                "id": order_id,
                "customer_id": customer["id"],
                "employee_id": rng.choice(employee_rows)["id"] if rng.random() < 0.8 else None,
                "order_date": order_date,
                "status": rng.choice(STATUSES),
                "total": sum((ln["unit_price"] * ln["quantity"] for ln in lines), Decimal("0")),
            }
        )
    return orders_out, items_out


def _order_lines(
    rng: random.Random, product_rows: list[dict[str, Any]], order_id: int, first_id: int
) -> list[dict[str, Any]]:
    chosen = rng.sample(product_rows, rng.randint(1, 4))
    return [
        {
            "id": first_id + n,
            "order_id": order_id,
            "product_id": product["id"],
            "quantity": rng.randint(1, 3),
            "unit_price": product["price"],
        }
        for n, product in enumerate(chosen, start=1)
    ]


def write(engine: sa.Engine, data: DemoData) -> None:
    """Replace the demo tables in ``engine``'s database with ``data``."""
    with engine.begin() as conn:
        metadata.drop_all(conn)
        metadata.create_all(conn)
        for table in metadata.sorted_tables:
            rows = data.tables[table.name]
            for chunk in range(0, len(rows), 1000):
                conn.execute(table.insert(), rows[chunk : chunk + 1000])
    logger.info("wrote the demo database for %s", data.day)


def sqlite_path(data_dir: Path, day: dt.date) -> Path:
    return data_dir / f"demo-{day.isoformat()}.sqlite"


def ensure_sqlite(data_dir: Path, day: dt.date | None = None) -> Path:
    """The demo SQLite file for ``day`` (default today), built on first use."""
    day = day or dt.date.today()
    path = sqlite_path(data_dir, day)
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{partial}")
    try:
        write(engine, generate(day))
    finally:
        engine.dispose()
    partial.replace(path)
    # Older days' files are stale: "last month" moves on.
    for old in data_dir.glob("demo-*.sqlite"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
