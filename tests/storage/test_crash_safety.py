"""Every edit reported as saved is there after the process is killed at a random moment."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from cardwriter.storage.project import Project

EDITS = 1000

CHILD = textwrap.dedent(
    """
    import sys
    from cardwriter.domain.model import Card
    from cardwriter.services.draft_session import DraftSession
    from cardwriter.storage.project import Project

    project = Project.open(sys.argv[1])
    session = DraftSession(project, project.drafts()[0].id)
    first = session.cards[0].id
    for i in range({edits}):
        if i % 2:
            session.set_text(first, f"edit {{i}}")
        else:
            session.insert(i // 2 + 1, Card(text=f"card {{i}}"))
        print(i, flush=True)
    print("finished", flush=True)
    """
).format(edits=EDITS)


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_reported_edits_survive_sigkill(project_path, trial):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project_path)], stdout=subprocess.PIPE, text=True)
    kill_after = random.Random(trial).randint(20, 700)
    reported = []
    for line in child.stdout:
        if line.strip() == "finished":
            break
        reported.append(int(line))
        if len(reported) >= kill_after:
            time.sleep(random.Random(trial).random() * 0.01)  # land the kill mid-transaction, sometimes
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    child.stdout.close()
    assert reported, "the child reported no edits"

    with Project.open(project_path) as project:
        assert project.integrity_check() == "ok"
        draft = project.load_draft(project.drafts()[0].id)
        texts = [card.text for card in draft.cards]
        for i in reported:
            if i % 2 == 0:
                assert f"card {i}" in texts, f"edit {i} was reported saved but is missing"
        last_text_edit = max((i for i in reported if i % 2), default=None)
        if last_text_edit is not None:  # the child may have saved more than it got to report
            assert texts[0].startswith("edit ") and int(texts[0].split()[1]) >= last_text_edit
        cards_added = [t for t in texts if t.startswith("card ")]
        assert cards_added == sorted(cards_added, key=lambda t: int(t.split()[1]))
