"""The voice meter in the window: the gauge in the status bar, its panel, and the quiet warning.

After each acceptance the draft's meter is recorded (one history point, in the
project file) and the gauge updates; when the distance of the model's text
from the writer's voice crosses the threshold set in Settings, the status bar
says so once (not again until it has come back under). A click on the gauge
opens the panel with the history plot.

The writer's profile is built in the background (``voice_meter.profile_of``
over their own paragraphs, read on the GUI thread) and kept until a card's
saved text, its attribution or a "mine" mark changes; then it is built again
while the last one serves (a 5,000-paragraph project takes about a second to
measure, which the window never waits for: the gauge shows the share of model
words at once and the distance when the profile comes). The variant cards'
"voice" marks and the "keep my voice" fills read it. The profile is frozen and
holds no project, so a fill's worker thread may use it. A history point after an
acceptance is measured with the profile as it stood before that acceptance.

``VoiceActions`` follows the ``Workspace`` (a draft shown, the project closed,
each acceptance of the shown draft) and offers the window its pieces: the
``gauge`` for the status bar, ``profile`` for the generation controller's
"keep my voice" fills, ``closenesses`` for the variant cards' marks, and the
``marker`` of the menu's "Mark as My Writing" action.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from cardwriter.domain.style import StyleProfile
from cardwriter.gui.common.background import BackgroundCall
from cardwriter.gui.voice.voice_marks import MineMarker
from cardwriter.gui.voice.voice_plot import VoiceGauge, paint_history
from cardwriter.gui.workspace import Workspace
from cardwriter.services import english_reference, voice_meter
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.projects import VoicePoint

CLOSENESS_CACHE = 2000  # texts whose closeness is remembered (a few unfurled stacks' worth, many times over)


class HistoryPlot(QWidget):
    def __init__(self, history: list[VoicePoint], threshold: float, parent=None):
        super().__init__(parent)
        self.history, self.threshold = history, threshold
        self.setMinimumSize(480, 240)

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        paint_history(painter, QRectF(self.rect()), self.history, self.threshold)


class VoiceActions(QObject):
    profile_changed = Signal()  # a new profile is in: the variant cards' voice marks may be drawn again

    def __init__(self, workspace: Workspace, mark_action: QAction, parent: QObject | None = None):
        """``mark_action``: the menu's "Mark as My Writing" check box (``MainMenu.mark_mine``)."""
        super().__init__(parent)
        self.workspace = workspace
        self.gauge = VoiceGauge()  # the window puts it in the status bar
        self.gauge.clicked.connect(self.open_panel)
        self.session: DraftSession | None = None
        self.warned = False
        self.marker = MineMarker(workspace, mark_action, after=lambda: self.refresh(warn=False))
        self._profile: StyleProfile | None = None
        self._profile_key: tuple | None = None  # what the profile was built from
        self._wanted_key: tuple | None = None  # what the profile being built is built from
        self._warn_when_ready = False  # an acceptance came while the profile was being built
        self.profile_call = BackgroundCall(self, doing="measuring your voice")
        self.profile_call.finished.connect(self._profile_arrived)
        self._closeness: dict[str, float] = {}
        english_reference.warm_up()  # the profile's word list, read before the first profile needs it
        workspace.draft_shown.connect(lambda _view: self.draft_shown())
        workspace.project_closed.connect(self.project_closed)

    def threshold(self) -> float:
        """The distance past which the gauge warns, as set in Settings now."""
        return self.workspace.prefs.voice_threshold

    def draft_shown(self) -> None:
        """Measure the draft now shown, and record a point after each acceptance in it."""
        session = self.workspace.session
        if session is None:
            return
        self.session = session
        session.add_accept_listener(self.accepted)
        self.refresh(warn=False)

    def project_closed(self) -> None:
        self.session = None
        self.profile_call.cancel()
        self._profile = self._profile_key = self._wanted_key = None
        self._closeness.clear()
        self.warned = False
        self.gauge.show_reading(None, self.threshold())

    # -- the writer's voice, kept while nothing it is made of changes ---------------------

    def profile(self) -> StyleProfile | None:
        """The writer's profile as last built (None: not built yet, no draft, or too few paragraphs of their
        own); when what it is made of has changed, a new one is started in the background."""
        session = self.session
        if session is None:
            return None
        cards = session.cards
        key = (
            session.draft.id,
            hash(tuple((c.id, c.text, c.origins) for c in cards)),
            frozenset(session.project.mine_cards(c.id for c in cards)),
        )
        if key not in (self._profile_key, self._wanted_key):
            self._wanted_key = key
            paragraphs = voice_meter.own_paragraphs(session.project, session.draft)
            self.profile_call.start(lambda _task: (key, voice_meter.profile_of(paragraphs)))
        return self._profile

    def ready(self) -> bool:
        """Whether the profile is built from the project as it is now."""
        return self.session is not None and self._wanted_key in (None, self._profile_key)

    def _profile_arrived(self, result: tuple[tuple, StyleProfile | None]) -> None:
        key, profile = result
        if self.session is None or key != self._wanted_key:
            return
        self._profile, self._profile_key = profile, key
        self._closeness.clear()
        warn, self._warn_when_ready = self._warn_when_ready, False
        self.refresh(warn=warn)
        self.profile_changed.emit()

    def closenesses(self, texts: list[str]) -> list[float | None]:
        """Each text's closeness to the writer's voice (None for all without a baseline), remembered."""
        profile = self.profile()
        if profile is None:
            return [None] * len(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self._closeness]
        if len(self._closeness) + len(missing) > CLOSENESS_CACHE:
            self._closeness.clear()
        self._closeness.update(zip(missing, profile.closenesses(missing), strict=True))
        return [self._closeness[t] for t in texts]

    def accepted(self, draft_id: str) -> None:
        if self.session is None:  # only called once a draft is shown
            return
        voice_meter.record_point(self.session.project, draft_id, self._profile, build=False)
        self.refresh(warn=True)

    def refresh(self, warn: bool) -> None:
        if self.session is None:
            return
        profile = self.profile()
        if not self.ready():  # measured again when the new profile comes
            self._warn_when_ready = self._warn_when_ready or warn
        session = self.session
        mine = session.project.mine_cards(card.id for card in session.cards)
        reading = voice_meter.measure_draft(session.draft, mine, profile)
        self.gauge.show_reading(reading, self.threshold())
        if not self.gauge.warning:
            self.warned = False
        elif warn and not self.warned:
            self.warned = True
            self.workspace.say(
                f"The model's words in this draft now sit {reading.distance:.1f}× as far from your voice as your "
                "own paragraphs do from each other.",
                10000,
            )

    def open_panel(self) -> QDialog:
        dialog = QDialog(self.gauge.window())
        dialog.setWindowTitle("Your voice")
        layout = QVBoxLayout(dialog)
        reading = self.gauge.reading
        if reading is not None:
            distance = "n/a" if reading.distance is None else f"{reading.distance:.2f}"
            layout.addWidget(
                QLabel(
                    f"{reading.model_words:,} of {reading.words:,} words from the model "
                    f"({reading.model_share:.0%}); distance from your voice {distance}"
                )
            )
        history = self.session.project.voice_points(self.session.draft.id) if self.session else []
        layout.addWidget(HistoryPlot(history, self.threshold(), dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
