"""The links feature's two halves of a refresh that are not its bookkeeping: the work in the background
(``work_out``, run by its ``BackgroundCall``) and setting what comes back on the model without moving the
draft under the writer's eyes (``set_in_place``)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QPoint

from cardwriter.domain.links import Link
from cardwriter.domain.model import Note
from cardwriter.gui.common.background import Task
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.services.echoes import EchoCard
from cardwriter.services.link_index import LinkIndex

LINKS_CHUNK = 100  # cards whose links the worker works out before it pauses
LINKS_PAUSE_S = 0.004


def work_out(
    task: Task,
    index: LinkIndex,
    draft_id: str,
    cards: Sequence[EchoCard],
    notes: Sequence[Note],
    card_ids: list[str],
    dismissed: Mapping[str, set[str]],
) -> tuple[str, dict[str, list[Link]], dict[str, np.ndarray]] | None:
    """In the background: embed what is new, then the links of the shown draft's cards (None if cancelled).

    The links are asked for a few cards at a time with a pause between: working them out is Python, which
    holds the interpreter's lock, and the GUI thread needs that lock for each row it lays out or paints.
    """
    if not index.update(cards, notes, cancelled=lambda: task.cancelled):
        return None
    links: dict[str, list[Link]] = {}
    for start in range(0, len(card_ids), LINKS_CHUNK):
        if task.cancelled:
            return None
        links.update(index.links(card_ids[start : start + LINKS_CHUNK], dismissed))
        time.sleep(LINKS_PAUSE_S)  # (lets the GUI thread have the lock)
    return draft_id, links, index.take_new_vectors()


def set_in_place(view: DraftView | None, model: CardListModel, links: dict[str, list[Link]]) -> None:
    """Set the links, keeping the card at the top of ``view`` where it is: cards above it that gain a peek
    (or lose one) grow, and the draft must not slide under the writer's eyes."""
    top = view.indexAt(QPoint(view.viewport().width() // 2, 1)) if view is not None else None
    anchor = (model.card_at(top.row()).id, view.visualRect(top).top()) if view and top and top.isValid() else None
    model.set_links(links)
    if view is None or anchor is None or view.verticalScrollBar().value() == 0:
        return
    view.executeDelayedItemsLayout()  # (the layout the change asked for, now rather than a moment later)
    moved = view.visualRect(model.index_of_card(anchor[0])).top() - anchor[1]
    if moved:
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() + moved)
