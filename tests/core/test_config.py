"""Start-up refuses the auth settings Weaviate refuses, with Weaviate's messages."""

from __future__ import annotations

import pytest

from vectordb.config import ConfigError, Settings

ON = {"AUTHENTICATION_APIKEY_ENABLED": "true"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "invalid apikey config: need at least one valid allowed key"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": ""}, "invalid apikey config: keys cannot have length 0"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,,b"}, "invalid apikey config: keys cannot have length 0"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,a"}, "invalid apikey config: keys must be unique"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,b"}, "invalid apikey config: need at least one user"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a", "AUTHENTICATION_APIKEY_USERS": "u,"},
         "invalid apikey config: users cannot have length 0"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,b", "AUTHENTICATION_APIKEY_USERS": "u,v,w"},
         "invalid apikey config: length of users and keys must match, alternatively provide single user for all keys"),
        ({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,b,c", "AUTHENTICATION_APIKEY_USERS": "u,v"},
         "invalid apikey config: length of users and keys must match, alternatively provide single user for all keys"),
    ],
)
def test_bad_api_key_settings_are_refused_with_weaviates_message(env, message):
    with pytest.raises(ConfigError) as err:
        Settings.from_env({**ON, **env})
    assert str(err.value) == message


@pytest.mark.parametrize("users", ["admin", "u1,u2,u3"])
def test_one_user_for_all_keys_or_one_user_per_key(users):
    settings = Settings.from_env({**ON, "AUTHENTICATION_APIKEY_ALLOWED_KEYS": "k1, k2,k3",
                                  "AUTHENTICATION_APIKEY_USERS": users})
    assert settings.apikey_enabled and settings.apikey_allowed_keys == ("k1", "k2", "k3")
    assert not settings.anonymous_access_enabled


def test_no_auth_scheme_at_all_is_refused():
    with pytest.raises(ConfigError, match="no authentication scheme configured, you must select at least one"):
        Settings.from_env({"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false"})


def test_api_key_lists_are_ignored_while_api_keys_are_off():
    settings = Settings.from_env({"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,a,"})
    assert not settings.apikey_enabled and settings.apikey_allowed_keys == ()
    assert settings.anonymous_access_enabled


@pytest.mark.parametrize("name", ["AUTHENTICATION_OIDC_ENABLED",
                                  "AUTHORIZATION_ENABLE_RBAC", "AUTHENTICATION_DB_USERS_ENABLED"])
def test_an_auth_scheme_this_server_lacks_is_refused_not_ignored(name):
    # ignored, it would leave the server open to anyone while the owner believes it is protected
    with pytest.raises(ConfigError, match=f"{name} is on, but this server does not support"):
        Settings.from_env({name: "true"})
