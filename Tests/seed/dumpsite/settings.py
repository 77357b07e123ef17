"""A seed deployment as far as `dumpdata auth.user myapp.books` sees it: Django's users with its
default password hasher (PBKDF2-SHA256, 600,000 rounds in 4.2) and the seed's book model under its
own label. Used by Tests/api/test_import_django.py; `migrate --run-syncdb` makes the tables."""
import os

SECRET_KEY = os.environ.get("SEED_SECRET_KEY", "dump-site-only")
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "myapp"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SEED_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
