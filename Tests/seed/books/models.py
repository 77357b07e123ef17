from .fields import SeedBook


class Book(SeedBook):
    pass
