from safechildhood.prevention.tests.fixtures import _media, _no_second_factor, world  # noqa: F401
