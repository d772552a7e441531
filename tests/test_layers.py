"""The layer check itself: a module without a layer, or with two, stops the run at collection."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit

CONFTEST = """
import pytest
import layers

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    layers.check(items)
"""
# Only pytest itself in the inner runs (hypothesis's plugin alone costs a second each).
BARE = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider")
INI = """
[pytest]
addopts = --strict-markers
markers =
    unit: u
    integration: i
    e2e: e
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A throwaway suite with the project's layer check and markers."""
    pytester.makeconftest(CONFTEST)
    pytester.makeini(INI)
    pytester.makepyfile(
        test_good="import pytest\npytestmark = pytest.mark.unit\ndef test_a(): pass\n"
    )
    return pytester


def test_modules_with_one_layer_each_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_other="import pytest\npytestmark = [pytest.mark.e2e]\ndef test_b(): pass\n"
    )
    suite.runpytest_inprocess(*BARE).assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("def test_b(): pass\n", "test_new.py: layers none"),
        (
            "import pytest\npytestmark = [pytest.mark.unit, pytest.mark.e2e]\ndef test_b(): pass\n",
            "test_new.py: layers unit, e2e",
        ),
        (
            "import pytest\npytestmark = pytest.mark.unit\n"
            "@pytest.mark.integration\ndef test_b(): pass\n",
            "test_new.py::test_b: in layers integration, unit",
        ),
    ],
)
def test_a_module_without_exactly_one_layer_fails_collection(
    suite: pytest.Pytester, source: str, complaint: str
) -> None:
    suite.makepyfile(test_new=source)
    result = suite.runpytest_inprocess(*BARE, "-m", "unit")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{complaint}*"])
    assert "passed" not in result.stdout.str()
