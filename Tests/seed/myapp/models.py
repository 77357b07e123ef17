from books.fields import SeedBook


class Books(SeedBook):
    """`myapp.books`, as in a seed deployment's database and in its dumpdata."""
