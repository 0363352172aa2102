"""Hostile output targets through the real command line: ``export -o`` and ``voice --plot``.

The project itself, a device, a named pipe with a reader, a folder, a full
disk: each is a message and exit status 1, never a traceback, a hang, or a
changed file. Files are compared byte for byte.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest

from tests.cli.test_voice_commands import make_project
from tests.support import fingerprint
from tests.tmpfs import fill, small_disk

COMMANDS = {
    "export md": lambda project, target: ["export", project, "--format", "md", "-o", target],
    "export docx": lambda project, target: ["export", project, "--format", "docx", "-o", target],
    "voice plot": lambda project, target: ["voice", project, "--plot", target],
}
DONE = ("exported to", "wrote ")  # what the commands say after a write


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.cardwriter"
    make_project(path)
    return path


def cardwriter(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "cardwriter", *map(str, args)], capture_output=True, timeout=timeout, cwd="/"
    )


def refused(result, *phrases):
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr and not any(done in stderr for done in DONE), stderr
    for phrase in phrases:
        assert phrase in stderr, stderr
    return stderr


@pytest.fixture(params=sorted(COMMANDS))
def command(request):
    return COMMANDS[request.param]


def test_the_project_itself_is_never_the_output(command, project):
    before = fingerprint(project)
    stderr = refused(cardwriter(*command(project, project)), str(project))
    assert "will not write over" in stderr or "will not write the export over the project" in stderr
    assert fingerprint(project) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["p.cardwriter"]


def test_a_device_stays_a_device(command, project, tmp_path):
    for minor in (3, 7):  # what /dev/null and /dev/full are, made here: never the real ones
        device = tmp_path / f"dev{minor}"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, minor))
        refused(cardwriter(*command(project, device)), f"{device}: it is a device")
        assert stat.S_ISCHR(os.lstat(device).st_mode) and os.lstat(device).st_rdev == os.makedev(1, minor)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev3", "dev7", "p.cardwriter"]


def test_a_named_pipe_with_a_reader_is_refused_at_once(command, project, tmp_path):
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    got = bytearray()

    def read() -> None:
        with open(fifo, "rb") as pipe:
            got.extend(pipe.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        refused(cardwriter(*command(project, fifo), timeout=30), f"{fifo}: it is a named pipe")
    finally:
        if reader.is_alive():  # nobody wrote: open the other end once so the reader ends
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
    assert bytes(got) == b"" and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    # and the project was not left locked: it opens and exports at once
    assert cardwriter("export", project, "--format", "txt", timeout=30).returncode == 0


def test_a_folder_is_refused_and_left_empty(command, project, tmp_path):
    folder = tmp_path / "out.png"
    folder.mkdir()
    refused(cardwriter(*command(project, folder)), f"{folder}: it is a folder")
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_full_disk_keeps_the_old_file_byte_for_byte(command, project, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        target = disk / "out.png"
        target.write_bytes(b"the old file\n" * 3)
        fill(disk)
        assert os.statvfs(disk).f_bavail == 0, "the disk did not fill up"
        refused(cardwriter(*command(project, target)), "disk is full", str(target))
        assert target.read_bytes() == b"the old file\n" * 3
        assert sorted(os.listdir(disk)) == ["filler", "out.png"]


def test_a_plain_file_is_written_whole(project, tmp_path):
    out = tmp_path / "out.md"
    out.write_bytes(b"old")
    assert cardwriter("export", project, "--format", "md", "-o", out).returncode == 0
    assert out.read_bytes() == cardwriter("export", project, "--format", "md").stdout
    plot = tmp_path / "voice.png"
    assert cardwriter("voice", project, "--plot", plot).returncode == 0
    assert plot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "p.cardwriter", "voice.png"]


def test_diversity_refuses_its_chart_and_details_targets_before_any_work(tmp_path, monkeypatch, capsys):
    import json

    import cardwriter.cli as cli
    from cardwriter.cli import diversity_commands

    def no_model(model, threads):
        raise AssertionError("the model was loaded for an output that is refused")

    monkeypatch.setattr(diversity_commands, "open_generator", no_model)
    if diversity_commands not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, diversity_commands])
    paragraphs = tmp_path / "in.jsonl"
    paragraphs.write_text(json.dumps({"id": "a", "text": "One paragraph of text, long enough."}) + "\n")
    device = tmp_path / "dev.png"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))
    fifo = tmp_path / "details.jsonl"
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: open(fifo, "rb").close(), daemon=True)  # so a regression cannot hang
    reader.start()
    for extra, phrase in (
        (["--plot", str(device)], f"{device}: it is a device"),
        (["--details", str(fifo)], f"{fifo}: it is a named pipe"),
    ):
        assert cli.main(["diversity", "--input", str(paragraphs), "-n", "2", *extra]) == 1
        assert phrase in capsys.readouterr().err
    if reader.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    reader.join(timeout=5)
    assert stat.S_ISCHR(os.lstat(device).st_mode) and stat.S_ISFIFO(os.lstat(fifo).st_mode)
