"""A seed deployment as far as `dumpdata auth.user myapp.books` sees it: Django's users with its
default password hasher (PBKDF2-SHA256, 600,000 rounds in 4.2) and the seed's book model under its
own label. Used by Tests/api/test_import_django.py; `migrate` makes the tables (myapp/migrations, as the seed has its own).

SEED_DATABASE is an SQLite file, or SEED_MYSQL="HOST PORT USER PASSWORD NAME" puts the site on
MySQL/MariaDB as the seed ran (through PyMySQL in the place of mysqlclient)."""
import os

SECRET_KEY = os.environ.get("SEED_SECRET_KEY", "dump-site-only")
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "myapp"]
if os.environ.get("SEED_MYSQL"):
    import pymysql

    pymysql.install_as_MySQLdb()
    host, port, user, password, name = os.environ["SEED_MYSQL"].split()
    DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "HOST": host, "PORT": port, "USER": user,
                             "PASSWORD": password, "NAME": name, "OPTIONS": {"charset": "utf8mb4"}}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SEED_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
