"""Pages and API lists cost the same number of queries however large the agenda grows."""

from __future__ import annotations

import pytest
from sql_count import counted

from facilitate.agenda import operations as agenda_ops
from facilitate.extensions import db


def _grow(workshop, register, themes: int) -> None:
    for index in range(themes):
        registration, _token = register(workshop, email=f"k{index}@example.fi",
                                        wishes=[f"Toive {index}"])
        theme = agenda_ops.group_wishes(db.session, workshop, [registration.wishes[0].id],
                                        new_theme={"title": f"Teema {index}"})
        agenda_ops.add_prompt(db.session, theme, {"kind": "open", "text": "Mitä?"})
    db.session.commit()


@pytest.mark.parametrize("page", [
    "/manage/workshops/{id}/agenda",
    "/api/v1/workshops/{id}/themes",
    "/api/v1/workshops/{id}/wishes",
    "/api/v1/workshops/{id}/registrations",
    "/manage/workshops/{id}",
    "/manage/series/{series_id}",
    "/series/{slug}",
])
def test_query_count_does_not_grow_with_the_agenda(coordinator_client, make_workshop, register,
                                                    page):
    small, large = make_workshop(), make_workshop()
    _grow(small, register, 2)
    _grow(large, register, 12)
    costs = []
    for workshop in (small, large):
        url = page.format(id=workshop.id, series_id=workshop.series_id, slug=workshop.series.slug)
        db.session.expire_all()
        with counted() as statements:
            assert coordinator_client.get(url).status_code == 200
        costs.append(statements())
    assert costs[0] == costs[1], costs
