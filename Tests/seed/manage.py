"""The seed's Django backend, reimplemented from docs (shared/docs/api-contract.md) closely enough
for booktui: Django 4.2, DRF, simplejwt at its defaults with the blacklist app. A test double, run
by seedharness.py under gunicorn; not a product."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedsite.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
