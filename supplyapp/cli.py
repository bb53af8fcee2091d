"""flask commands: demo, users, reference data. Each acts as cli:<os user> in the audit log."""

import getpass
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from supplyapp import audit, cli_stock
from supplyapp.demo import load_demo, reference_data
from supplyapp.models import Role
from supplyapp.queries import reference as reference_queries
from supplyapp.services import accounts, reference, tokens
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.reference_fields import FIELDS, parse_text


def _as_cli_user() -> None:
    audit.set_actor(f"cli:{getpass.getuser()}")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


users = AppGroup("users", help="Create, list, disable and reset users.")


@users.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "organisation", default=None, help="Organisation code (bound roles).")
@click.option("--email", default=None)
@click.password_option(help="Asked for when not given.")
def users_create(username, full_name, role, organisation, email, password):
    _as_cli_user()
    try:
        user = accounts.create_user(username, full_name, role, password, organisation, email)
    except DomainError as error:
        _fail(str(error))
    click.echo(f"Created {user.username} ({user.role.value}).")


@users.command("disable")
@click.argument("username")
def users_disable(username):
    _as_cli_user()
    try:
        accounts.set_active(username, False)
    except NotFound as error:
        _fail(str(error))
    click.echo(f"Disabled {username}.")


@users.command("enable")
@click.argument("username")
def users_enable(username):
    _as_cli_user()
    try:
        accounts.set_active(username, True)
    except NotFound as error:
        _fail(str(error))
    click.echo(f"Enabled {username}.")


@users.command("reset-password")
@click.argument("username")
@click.option("--password", default=None, help="The new password; generated when not given.")
def users_reset_password(username, password):
    _as_cli_user()
    try:
        user, new_password = accounts.reset_password(username, password)
    except DomainError as error:
        _fail(str(error))
    click.echo(f"New password for {user.username}: {new_password}")


@users.command("list")
def users_list():
    for user in reference_queries.users():
        org = user.organisation.code if user.organisation else "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{user.role.value}\t{org}\t{state}\t{user.full_name}")


ref = AppGroup("ref", help="List and edit reference data: " + ", ".join(FIELDS))


@ref.command("list")
@click.argument("entity", type=click.Choice(list(FIELDS)))
@click.option("--kind", default=None, help="Organisations only: region, municipality, ...")
def ref_list(entity, kind):
    columns = [field.name for field in FIELDS[entity]]
    click.echo("\t".join(columns))
    for record in reference_queries.reference_records(entity, kind=kind):
        values = [getattr(record, c) for c in columns]
        click.echo("\t".join("" if v is None else str(getattr(v, "value", v)) for v in values))


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        if "=" not in pair:
            _fail(f"{pair!r}: write field=value")
        key, value = pair.split("=", 1)
        values[key.strip()] = value
    return values


def _save(entity: str, values: dict[str, str], code: str | None) -> None:
    """The same rules as the admin pages: reference.save_record checks every field."""
    try:
        saved = reference.save_record(entity, parse_text(entity, values), code=code)
    except InvalidInput as error:
        _fail(str(error))
    click.echo(f"Saved {entity} {saved.code}.")


@ref.command("add")
@click.argument("entity", type=click.Choice(list(FIELDS)))
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
def ref_add(entity, pairs):
    """Add a record: flask ref add items code=x name_sv=... name_en=... unit=st pack_size=1"""
    _as_cli_user()
    _save(entity, _parse_pairs(pairs), None)


@ref.command("edit")
@click.argument("entity", type=click.Choice(list(FIELDS)))
@click.argument("code")
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
def ref_edit(entity, code, pairs):
    """Change fields of a record: flask ref edit items ffp2 pack_size=25"""
    _as_cli_user()
    try:
        _save(entity, _parse_pairs(pairs), code)
    except NotFound as error:
        _fail(str(error))


tokens_group = AppGroup("tokens", help="API tokens for users and organisations.")


@tokens_group.command("create")
@click.option("--user", "username", default=None, help="The token acts as this user.")
@click.option("--org", "organisation", default=None, help="The token acts for this organisation.")
@click.option("--name", default="cli", help="What the token is for.")
def tokens_create(username, organisation, name):
    """Print a new token (shown once: only its hash is kept)."""
    _as_cli_user()
    if bool(username) == bool(organisation):
        _fail("give exactly one of --user NAME or --org CODE")
    try:
        if username:
            _, token = tokens.issue_user_token(username, name)
        else:
            _, token = tokens.issue_organisation_token(organisation, name)
    except DomainError as error:
        _fail(str(error))
    click.echo(token)


@tokens_group.command("list")
def tokens_list():
    for t in reference_queries.api_tokens():
        owner = t.user.username if t.user else t.organisation.code
        state = "revoked" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.prefix}…\t{owner}\t{t.name}\t{state}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    _as_cli_user()
    try:
        tokens.revoke(token_id)
    except NotFound as error:
        _fail(str(error))
    click.echo(f"Revoked token {token_id}.")


@click.command("demo")
def demo():
    """Seed the demo: real places, the item catalogue, warehouses, suppliers, demo users."""
    if current_app.config["NAME"] == "production":
        _fail(
            "the demo's users share a published password: "
            "never load the demo with SUPPLYAPP_CONFIG=production"
        )
    counts = load_demo()
    click.echo(f"Demo data ready: {counts}. Users' password: {reference_data.DEMO_PASSWORD}")


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(ref)
    app.cli.add_command(demo)
    app.cli.add_command(tokens_group)
    cli_stock.register(app)
