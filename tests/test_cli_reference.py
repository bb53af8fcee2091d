"""`flask ref add/edit` checks a record by the same rules as the admin pages, and writes nothing
when a field is wrong."""

import pytest
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import Item, Supplier


@pytest.fixture
def cli(app, places):
    return app.test_cli_runner()


def test_a_good_record_is_added_from_text(cli):
    result = cli.invoke(
        args=[
            "ref",
            "add",
            "items",
            "code=visir",
            "name_sv=Visir",
            "name_en=Visor",
            "unit=st",
            "pack_size=25",
            "active=ja",
        ]
    )
    assert result.exit_code == 0, result.output
    item = db.session.scalar(select(Item).where(Item.code == "visir"))
    assert (item.pack_size, item.active, item.national_reserve) == (25, True, 0)


@pytest.mark.parametrize(
    "pair,field,reason",
    [
        ("pack_size=0", "pack_size", "From 1 to 100000."),
        ("pack_size=many", "pack_size", "Give a number."),
        ("unit=barrel", "unit", "Choose one of"),
        ("code=Visir", "code", "Lower-case letters, digits and _ only."),
        ("colour=red", "colour", "There is no such field."),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(cli, pair, field, reason):
    values = {
        "code": "visir",
        "name_sv": "Visir",
        "name_en": "Visor",
        "unit": "st",
        "pack_size": "25",
    }
    key, value = pair.split("=", 1)
    values[key] = value
    result = cli.invoke(args=["ref", "add", "items", *(f"{k}={v}" for k, v in values.items())])
    assert result.exit_code == 1
    assert f"{field}: {reason}" in result.output
    assert db.session.scalar(select(Item).where(Item.code.in_(["visir", "Visir"]))) is None


def test_an_edit_changes_only_the_given_fields_by_the_same_rules(cli):
    assert cli.invoke(args=["ref", "edit", "items", "ffp2", "pack_size=25"]).exit_code == 0
    refused = cli.invoke(args=["ref", "edit", "suppliers", "EU-JPA", "contact_email=not-mail"])
    assert refused.exit_code == 1 and "contact_email: Give an e-mail address" in refused.output
    db.session.expire_all()
    assert db.session.scalar(select(Item.pack_size).where(Item.code == "ffp2")) == 25
    assert (
        db.session.scalar(select(Supplier.contact_email).where(Supplier.code == "EU-JPA"))
        != "not-mail"
    )
