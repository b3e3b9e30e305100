"""The README's module map names every module of the package, and only modules that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mapped() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(assistant/[\w/]+(?:\.py|/))` \|", readme, flags=re.MULTILINE))


def test_every_module_is_in_the_readme_map():
    listed = mapped()
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "assistant").rglob("*.py") if p.name != "__init__.py"}
    folders = {entry for entry in listed if entry.endswith("/")}
    missing = {m for m in modules if m not in listed and not any(m.startswith(f) for f in folders)}
    assert not missing, f"modules missing from the README map: {sorted(missing)}"


def test_the_readme_map_names_only_existing_modules():
    gone = {entry for entry in mapped() if not (ROOT / entry).exists()}
    assert not gone, f"the README map names modules that do not exist: {sorted(gone)}"
