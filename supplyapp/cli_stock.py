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
    """Compare every lot's stored balance with the sum of its ledger rows; exit 1 on a
    difference."""
    differences = stock_service.check_ledger()
    if differences:
        for difference in differences:
            click.echo(str(difference))
        click.echo(f"{len(differences)} lot(s) differ from the ledger.", err=True)
        sys.exit(1)
    click.echo("The stored balances equal the ledger.")


@stock.command("expire")
def expire():
    """Take the stock of lots past their expiry date out (an 'expired' ledger row each)."""
    import getpass

    with audit.acting_as(f"cli:{getpass.getuser()}"):
        count = stock_service.expire_lots()
    click.echo(f"{count} expired lot(s) taken out of stock.")


def register(app: Flask) -> None:
    app.cli.add_command(stock)
