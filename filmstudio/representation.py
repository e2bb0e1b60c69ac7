"""Output rows at list speed: DRF's `to_representation`, with its per-row lookups done once.

For every serializer instance (one a request), DRF's ModelSerializer derives its fields from
the model again and deep-copies them; then for every row and every field it asks which
fields are readable, how to reach the attribute (a dict or an object, a callable, a related
object's pk), whether it is None and, for each datetime, which time zone is current. For
rows of the serializer's model those answers depend on the class alone, so `RowsMixin`
works them out once per class: columns are read straight off the row and handed to the
field's own `to_representation`. Fields whose output reads nothing but the value (text,
numbers, choices, dicts of those, pks) are shared by all instances; the others (method
fields, nested serializers, files, links: they read the serializer, its context or the
request) are copied and bound per instance as DRF does. The output is DRF's, key for key;
the fields (and so the schema) are untouched.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from rest_framework import fields as drf
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

# How a field's value is read from a row of the serializer's model (a dict row: by key).
_COLUMN = 0  # a plain column: getattr(row, attname)
_FOREIGN_KEY = 1  # a foreign key shown as its pk: getattr(row, attname), no related row
_FIELD = 2  # anything else: the field's own get_attribute, on a copy bound to the instance

# Fields whose to_representation reads only the value (exact types: a subclass may read
# more). DateTimeField also reads the current time zone: it is copied per instance.
_VALUE_ONLY = {
    drf.BooleanField,
    drf.CharField,
    drf.ChoiceField,
    drf.EmailField,
    drf.FloatField,
    drf.IntegerField,
    drf.SlugField,
    drf.URLField,
    drf.UUIDField,
}
_CONTAINERS = {drf.DictField, drf.ListField}


def _reads_only_the_value(field) -> bool:
    kind = type(field)
    if kind in _CONTAINERS:
        return _reads_only_the_value(field.child)
    if kind is drf.JSONField:
        return True
    if kind is PrimaryKeyRelatedField:
        return field.pk_field is None
    return kind in _VALUE_ONLY


# For a ModelSerializer that outputs many rows (a list page): same output, less work. Its
# fields must depend on the class alone (not on the context or the instance). A row is an
# instance of `Meta.model` or a dict of its columns keyed as `values()` keys them (by
# column: `owner_id`); any other row takes DRF's path. (No docstring: the schema would
# take it as the description of every serializer using the mixin.)
class RowsMixin:
    def to_representation(self, instance):
        plan = self.__dict__.get("_rows_plan")
        if plan is None:
            plan = self.__dict__["_rows_plan"] = self._bind_rows_plan()
        row_is_dict = type(instance) is dict
        if row_is_dict:
            if not instance.keys() >= _columns_read(type(self)):
                return super().to_representation(instance)
        elif type(instance) is not self.Meta.model:
            return super().to_representation(instance)
        ret = {}
        for name, how, attname, field in plan:
            if how == _FIELD:
                try:
                    value = field.get_attribute(instance)
                except drf.SkipField:
                    continue
                none = value.pk if isinstance(value, PKOnlyObject) else value
                ret[name] = None if none is None else field.to_representation(value)
                continue
            value = instance[attname] if row_is_dict else getattr(instance, attname)
            if value is None:
                ret[name] = None
            elif how == _FOREIGN_KEY:
                ret[name] = field.to_representation(PKOnlyObject(pk=value))
            else:
                ret[name] = field.to_representation(value)
        return ret

    def _bind_rows_plan(self) -> list[tuple]:
        """The class's plan with this instance's own fields where a field needs one."""
        plan = []
        for name, how, attname, field in _class_plan(type(self)):
            if how == _FIELD:
                field = copy.deepcopy(field)
                field.bind(name, self)
            elif type(field) is drf.DateTimeField and not hasattr(field, "timezone"):
                # DRF looks the current zone up per value; it is fixed for this instance.
                field = copy.copy(field)
                field.timezone = field.default_timezone()
            plan.append((name, how, attname, field))
        return plan


def _columns_read(cls) -> frozenset[str]:
    """The keys a dict row (`values()`: keyed by column, `owner_id`) must hold for the plan."""
    columns = cls.__dict__.get("_rows_columns")
    if columns is None:
        columns = frozenset(attname for _, how, attname, _ in _class_plan(cls) if how != _FIELD)
        cls._rows_columns = columns
    return columns


def _class_plan(cls) -> list[tuple]:
    plan = cls.__dict__.get("_rows_class_plan")
    if plan is not None:
        return plan
    opts = cls.Meta.model._meta
    plan = []
    for field in cls()._readable_fields:
        how, attname = _FIELD, None
        if len(field.source_attrs) == 1 and (
            _reads_only_the_value(field) or type(field) is drf.DateTimeField
        ):
            try:
                column = opts.get_field(field.source_attrs[0])
            except FieldDoesNotExist:
                column = None
            if column is not None and column.concrete and not column.many_to_many:
                if not column.is_relation and type(field) is not PrimaryKeyRelatedField:
                    how, attname = _COLUMN, column.attname
                elif column.many_to_one and type(field) is PrimaryKeyRelatedField:
                    how, attname = _FOREIGN_KEY, column.attname
        plan.append((field.field_name, how, attname, field))
    cls._rows_class_plan = plan
    return plan
