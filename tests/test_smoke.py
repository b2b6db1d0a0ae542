"""The app starts on a migrated database and serves its public home page."""

from facilitate.extensions import db
from facilitate.models import Organisation, OrganisationKind


def test_home_page_lists_public_series(client, make_series):
    make_series(title="Julkinen sarja")
    make_series(title="Piilotettu sarja", is_public=False)
    page = client.get("/").get_data(as_text=True)
    assert "Julkinen sarja" in page
    assert "Piilotettu sarja" not in page


def test_migration_seeds_the_21_counties(app):
    counties = db.session.query(Organisation).filter_by(kind=OrganisationKind.COUNTY).all()
    assert len(counties) == 21
    varha = next(c for c in counties if c.code == "varsinaissuomi")
    assert (varha.memo_genitive, varha.brand) == ("Varhan", "Varha")
