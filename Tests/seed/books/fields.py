"""The seed's book, as its `myapp/models.py` defines it, shared by the seed double (`books.Book`)
and the dump site (`myapp.Books`, the label `dumpdata auth.user myapp.books` names)."""
from django.conf import settings
from django.db import models


class SeedBook(models.Model):
    title = models.CharField(max_length=100)
    author = models.CharField(max_length=50)
    published_year = models.IntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="books")
    is_available = models.BooleanField(default=False)

    class Meta:
        abstract = True
