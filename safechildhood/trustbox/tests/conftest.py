from safechildhood.trustbox.tests.fixtures import (  # noqa: F401
    _clear_cache,
    _no_second_factor,
    world,
)
