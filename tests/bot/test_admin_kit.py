from __future__ import annotations

from typing import Any

import pytest

from bot import blocks
from bot.admin_kit import Admins, sections


class Users:
    """Stands in for WebClient.users_info only, counting the calls."""

    def __init__(self, **users: dict[str, Any]) -> None:
        self.users = users
        self.calls = 0

    def users_info(self, user: str) -> dict[str, Any]:
        self.calls += 1
        return {"user": self.users.get(user, {})}


@pytest.mark.parametrize(
    ("info", "allowed"),
    [
        ({"is_admin": True}, True),
        ({"is_owner": True}, True),
        ({"is_primary_owner": True}, True),
        ({}, False),
        ({"is_admin": True, "deleted": True}, False),
    ],
)
def test_workspace_admins_and_owners_are_admins(info: dict[str, Any], allowed: bool) -> None:
    assert Admins(frozenset()).check("U1", Users(U1=info)) is allowed  # type: ignore[arg-type]


def test_listed_admins_need_no_lookup_and_lookups_are_kept_a_while() -> None:
    users = Users(U2={"is_admin": True})
    admins = Admins(frozenset({"U1"}), ttl=60)

    assert admins.check("U1", users)  # type: ignore[arg-type]
    assert admins.check("U2", users) and admins.check("U2", users)  # type: ignore[arg-type]
    assert users.calls == 1


def test_long_text_is_split_into_sections_slack_accepts() -> None:
    code = "\n".join(f"table_{n:04d}  {n:>8} rows" for n in range(400))
    text = f"Title\n{blocks.FENCE}\n{code}\n{blocks.FENCE}"

    parts = [s["text"]["text"] for s in sections(text)]

    assert len(parts) > 2
    assert all(len(p) <= blocks.SECTION_CHARS for p in parts)
    assert all(p.count(blocks.FENCE) % 2 == 0 for p in parts)
    assert "table_0399" in parts[-1]
