"""The library's categories: unique names, slugs derived from them."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from filmstudio.services import model_update

from ..errors import CategoryExists
from ..models import Category


def _unique_slug(name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(name)[:100] or "category"
    taken = set(
        Category.objects.filter(slug__startswith=base)
        .exclude(id=exclude_id)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def category_create(*, name: str, created_by=None) -> Category:
    """Create a category; its slug comes from the name and is made unique (-2, -3...).
    CategoryExists (409 `duplicate`) for a name already taken."""
    for _ in range(3):  # a parallel create may take the same slug between read and insert
        try:
            with transaction.atomic():
                return Category.objects.create(
                    name=name, slug=_unique_slug(name), created_by=created_by
                )
        except IntegrityError as exc:
            if Category.objects.filter(name=name).exists():
                raise CategoryExists() from exc
    raise CategoryExists("Could not allocate a unique slug; try again.")


def category_update(*, category: Category, name: str) -> Category:
    """Rename a category (its slug follows). CategoryExists for a name already taken."""
    if Category.objects.filter(name=name).exclude(id=category.id).exists():
        raise CategoryExists()
    data = {"name": name, "slug": _unique_slug(name, exclude_id=category.id)}
    return model_update(instance=category, fields=["name", "slug"], data=data)[0]


def category_delete(*, category: Category) -> None:
    """Delete the category; its videos stay, uncategorised."""
    category.delete()
