"""flask stock: prove the stored balances equal the ledger; take expired lots out."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from supplyapp import audit
from supplyapp.services import stock as stock_service

stock = AppGroup("stock", help="The national stock ledger.")


@stock.command("check")
def check():
    """Compare every lot's stored balance with the sum of its ledger rows, and units in with
    units out plus on hand; exit 1 on a difference."""
    from supplyapp.services.stock_units import check_units

    differences = stock_service.check_ledger()
    for difference in differences:
        click.echo(str(difference))
    if differences:
        click.echo(f"{len(differences)} lot(s) differ from the ledger.", err=True)
    units = check_units()
    for problem in units:
        click.echo(problem)
    if differences or units:
        sys.exit(1)
    click.echo("The stored balances equal the ledger, and units in equal units out plus on hand.")


@stock.command("expire")
def expire():
    """Take the stock of lots past their expiry date out (an 'expired' ledger row each)."""
    import getpass

    with audit.acting_as(f"cli:{getpass.getuser()}"):
        count = stock_service.expire_lots()
    click.echo(f"{count} expired lot(s) taken out of stock.")


def register(app: Flask) -> None:
    app.cli.add_command(stock)
