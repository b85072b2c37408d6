from pathlib import Path

import pytest

from clientbase.errors import ProfileError
from clientbase.profiles import load_profile

PARAMS = Path(__file__).parent.parent / "params"


def _write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_three_line_profile_runs_on_defaults(tmp_path):
    profile = load_profile(_write(tmp_path, "data:\n  path: exports\n  format: 1c\n"))
    assert profile.name == "p"
    assert profile.period == "latest" and profile.language == "en" and profile.currency == "RUB"
    assert profile.data_path == (tmp_path / "exports").resolve()
    assert profile.reports[0] == "data_overview"


@pytest.mark.parametrize("name", ["demo", "ci", "example_1c"])
def test_shipped_profiles_are_valid(name):
    profile = load_profile(PARAMS / f"{name}.yaml")
    assert profile.data.format == "1c"


@pytest.mark.parametrize(
    "text, message",
    [
        ("data: {path: x}\nlanguge: ru\n", "unknown key 'languge'"),
        ("data: {path: x}\nlanguage: de\n", "key 'language'"),
        ("data: {path: x, colour: red}\n", "key 'data.colour': unknown key"),
        ("data: {path: x}\nperiod: 2026Q7\n", "key 'period'"),
        ("data: {path: x}\ncurrency: rubles\n", "key 'currency'"),
        ("data: {path: x}\nreports: [data_overview, sales_magic]\n", "unknown report 'sales_magic'"),
        ("period: 2026Q3\n", "key 'data' is required"),
        ("data: {path: x, url: 'postgresql://a@b/c'}\n", "exactly one of"),
        ("data: {url: 'postgresql://me:secret@db/erp'}\n", "must not contain a password"),
        ("data: {path: x}\ndata_overview: {window_months: twelve}\n", "key 'data_overview.window_months': Input should be a valid integer"),
        ("data: {path: x}\ndata_overview: {window_months: 0}\n", "key 'data_overview.window_months': Input should be greater than or equal to 1, got 0"),
        ("data: {path: x}\ndata_overview: {colour: 1}\n", "unknown key 'data_overview.colour'; the report takes: window_months"),
        ("data: {path: x}\ndata_overview: {language: ru}\n", "set for every report at the top level"),
        ("- just\n- a list\n", "expected a mapping"),
        ("data: [unclosed\n", "not valid YAML"),
    ],
    ids=["unknown-key", "bad-language", "unknown-data-key", "bad-period", "bad-currency", "unknown-report",
         "no-data", "path-and-url", "password-in-url", "wrong-type", "impossible-value",
         "unknown-report-setting", "common-in-section", "not-a-mapping", "bad-yaml"],
)
def test_bad_profiles_name_the_key_and_the_file(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_profile_file_is_named(tmp_path):
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "nope.yaml")


def test_mapping_file_format_resolves_relative_to_the_profile(tmp_path):
    profile = load_profile(_write(tmp_path, "data: {path: x, format: maps/my.yaml}\n"))
    assert profile.data_format == str((tmp_path / "maps" / "my.yaml").resolve())
