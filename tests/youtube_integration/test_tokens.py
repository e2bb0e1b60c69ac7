"""Tokens at rest: encrypted under the newest key, readable under any configured key,
rotated by a command, and a bad key list refused by a system check."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from youtube_integration.apps import check_token_keys
from youtube_integration.models import ChannelConnection
from youtube_integration.tokens import TokenUnreadable, reseal, seal, unseal


def test_a_sealed_token_reads_back_and_does_not_contain_the_plaintext(settings):
    settings.YOUTUBE_TOKEN_KEYS = [Fernet.generate_key().decode()]

    sealed = seal("ya29.secret-token")

    assert unseal(sealed) == "ya29.secret-token"
    assert "secret-token" not in sealed
    assert seal("") == unseal("") == ""


def test_old_ciphertexts_still_open_after_a_new_key_is_put_in_front(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.YOUTUBE_TOKEN_KEYS = [old]
    sealed_under_old = seal("1//refresh")

    settings.YOUTUBE_TOKEN_KEYS = [new, old]

    assert unseal(sealed_under_old) == "1//refresh"
    rotated = reseal(sealed_under_old)
    settings.YOUTUBE_TOKEN_KEYS = [new]
    assert unseal(rotated) == "1//refresh"
    with pytest.raises(TokenUnreadable):
        unseal(sealed_under_old)


@pytest.mark.django_db
def test_the_rotate_command_lets_the_old_key_be_dropped(settings, user):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.YOUTUBE_TOKEN_KEYS = [old]
    connection = ChannelConnection.objects.create(
        owner=user,
        channel_id="UCx",
        access_token_encrypted=seal("ya29.access"),
        refresh_token_encrypted=seal("1//refresh"),
    )
    settings.YOUTUBE_TOKEN_KEYS = [new, old]

    call_command("youtube_rotate_tokens", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.YOUTUBE_TOKEN_KEYS = [new]
    connection.refresh_from_db()
    assert unseal(connection.access_token_encrypted) == "ya29.access"
    assert unseal(connection.refresh_token_encrypted) == "1//refresh"


def test_the_system_check_refuses_a_key_that_is_not_a_fernet_key(settings):
    settings.YOUTUBE_TOKEN_KEYS = [Fernet.generate_key().decode(), "not-a-key"]

    errors = check_token_keys()

    assert [e.id for e in errors] == ["youtube_integration.E001"]
    assert "YOUTUBE_TOKEN_KEYS[1]" in errors[0].msg


def test_the_embedded_default_key_works(settings):
    from filmstudio.settings.youtube import _key_from_secret

    settings.YOUTUBE_TOKEN_KEYS = [_key_from_secret("some secret")]

    assert check_token_keys() == []
    assert unseal(seal("x")) == "x"
