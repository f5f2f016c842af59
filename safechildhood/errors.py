"""The one exception type that services raise. Views and the API turn it into a form error or a
4xx response; it always carries a message in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the programme refused a change. ``message`` is a translatable string."""

    status_code = 400

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def add_to(self, form) -> None:
        """Show the refusal on a form: on its field when the form has that field, else above the
        form (Django's non-field errors)."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's scope (the two look the same)."""

    status_code = 404


class Forbidden(DomainError):
    """The actor may see the object but not do this with it."""

    status_code = 403
