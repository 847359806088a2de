"""Model fields whose values are stored encrypted.

The database column holds a token (``casework.crypto.cipher``). Reading a row gives a
``Sealed`` value; the attribute decrypts it on first access, with associated data naming the
model's table, the column and the row's primary key. Saving encrypts in ``pre_save``, where the
row is known. A plaintext that reaches ``get_prep_value`` any other way (``update()``,
``filter()``) raises instead of being written or compared in clear.

History rows (django-simple-history) are bound to the *original* table and row, so a history
row decrypts exactly like the record it copies.
"""

import datetime
import json

from django import forms
from django.core import exceptions
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from casework.crypto.cipher import keyring


class Sealed:
    """A ciphertext as read from the database. Its repr never shows content."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self):
        return "<Sealed>"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self):
        return hash(self.token)


class PlaintextLeak(TypeError):
    """A plaintext value was about to be sent to the database outside ``save()``."""


def associated_data(instance, field) -> bytes:
    model = getattr(type(instance), "instance_type", None) or type(instance)  # history rows
    opts = model._meta.concrete_model._meta
    row_id = instance.__dict__.get(opts.pk.attname)
    if row_id is None:
        raise ValueError(f"{opts.label} needs its primary key before encrypting {field.name}")
    return f"{opts.db_table}|{field.column}|{row_id}".encode()


class EncryptedAttribute:
    """Decrypts lazily on first read and keeps the plaintext for this instance only."""

    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            raw = keyring().decrypt(value.token, associated_data(instance, self.field))
            value = self.field.from_plaintext(raw.decode())
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    """Shared behaviour; subclasses define to_plaintext/from_plaintext and the form field."""

    def get_internal_type(self):
        return "TextField"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, EncryptedAttribute(self))

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return Sealed(keyring().encrypt(self.to_plaintext(value).encode(), associated_data(model_instance, self)))

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise PlaintextLeak(f"{self.name}: encrypted fields cannot be filtered or updated with a plaintext value")

    def value_to_string(self, obj):
        # Serialisers (dumpdata) get the ciphertext, never the plaintext.
        sealed = self.pre_save(obj, add=False)
        return None if sealed is None else sealed.token

    def to_plaintext(self, value) -> str:
        raise NotImplementedError

    def from_plaintext(self, text: str):
        raise NotImplementedError


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (notes, addresses). ``max_length`` is enforced by forms and full_clean()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length:
            self.validators.append(MaxLengthValidator(self.max_length))

    def to_plaintext(self, value):
        return str(value)

    def from_plaintext(self, text):
        return text


class EncryptedCharField(EncryptedTextField):
    """Short single-line text (names, phone numbers) rendered as a text input."""

    def formfield(self, **kwargs):
        return forms.CharField(
            max_length=self.max_length, required=not self.blank, label=capfirst(self.verbose_name),
            help_text=self.help_text, **{k: v for k, v in kwargs.items() if k in ("label", "help_text", "widget")},
        )


class EncryptedDateField(EncryptedMixin, models.TextField):
    def to_plaintext(self, value):
        return value.isoformat()

    def from_plaintext(self, text):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or isinstance(value, (datetime.date, Sealed)):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise exceptions.ValidationError(_("Enter a valid date."), code="invalid") from None

    def formfield(self, **kwargs):
        defaults = {"required": not self.blank, "label": capfirst(self.verbose_name), "help_text": self.help_text,
                    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        defaults.update({k: v for k, v in kwargs.items() if k in ("label", "help_text", "widget")})
        return forms.DateField(**defaults)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    def to_plaintext(self, value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    def from_plaintext(self, text):
        return json.loads(text)

    def formfield(self, **kwargs):
        return forms.JSONField(required=not self.blank, label=capfirst(self.verbose_name))


def encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
