"""The WSGI entry point: gunicorn 'wsgi:app'. Configuration only from the environment."""

from supplyapp import create_app

app = create_app()
