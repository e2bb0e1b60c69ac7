import factory
from django.contrib.auth import get_user_model

from projects.models import Project

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Ada"
    last_name = "Lovelace"
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The way the platform makes users (UserManager): the row with its credit account.
        return model_class.objects.create_user(*args, **kwargs)


class StaffFactory(UserFactory):
    role = "staff"


class AdminFactory(UserFactory):
    role = "admin"
    is_staff = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "A short film."
    script = "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns slowly.\n\nMARA\nIs anyone out there?\n"
