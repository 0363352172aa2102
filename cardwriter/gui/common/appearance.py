"""Light and dark: follow the desktop's colour scheme, or the writer's choice in Settings.

Qt tells the desktop's scheme through ``QStyleHints.colorScheme``. Many Linux
desktops give Qt no dark palette of their own, so dark mode sets one here
(on the Fusion style, which draws every widget from the palette); light mode
puts back the style and palette the app started with. Cards, stack edges and
diff marks are drawn from palette roles, so they follow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

SYSTEM, LIGHT, DARK = "system", "light", "dark"
CHOICES = ((SYSTEM, "Follow the system"), (LIGHT, "Light"), (DARK, "Dark"))

DARK_COLOURS = {
    QPalette.ColorRole.Window: "#2a2b2e",
    QPalette.ColorRole.WindowText: "#e4e4e6",
    QPalette.ColorRole.Base: "#1e1f22",
    QPalette.ColorRole.AlternateBase: "#26272b",
    QPalette.ColorRole.Text: "#e8e6e3",
    QPalette.ColorRole.PlaceholderText: "#8d8e94",
    QPalette.ColorRole.Button: "#34353a",
    QPalette.ColorRole.ButtonText: "#e4e4e6",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#4f86d9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7aa7ef",
    QPalette.ColorRole.ToolTipBase: "#34353a",
    QPalette.ColorRole.ToolTipText: "#e4e4e6",
    QPalette.ColorRole.Light: "#4a4b52",
    QPalette.ColorRole.Midlight: "#3d3e44",
    QPalette.ColorRole.Mid: "#55565d",
    QPalette.ColorRole.Dark: "#141517",
    QPalette.ColorRole.Shadow: "#000000",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK_COLOURS.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c7d83"))
    return palette


def wants_dark(choice: str, system_scheme: Qt.ColorScheme) -> bool:
    """Whether ``choice`` ("system", "light", "dark") means dark, given the desktop's scheme."""
    if choice == DARK:
        return True
    if choice == LIGHT:
        return False
    return system_scheme == Qt.ColorScheme.Dark


def apply(choice: str, app: QApplication | None = None) -> bool:
    """Use ``choice``'s colours now (and, for "system", whenever the desktop switches); returns True if dark."""
    if app is None:
        running = QApplication.instance()
        if not isinstance(running, QApplication):  # none yet, or one without widgets: nothing to colour
            return False
        app = running
    hints = app.styleHints()
    if app.property("cardwriter-original-style") is None:  # the first call: remember how the app started
        app.setProperty("cardwriter-original-style", app.style().name())
        app.setProperty("cardwriter-dark", False)
        hints.colorSchemeChanged.connect(lambda _scheme: apply(app.property("cardwriter-choice") or SYSTEM, app))
    app.setProperty("cardwriter-choice", choice)
    dark = wants_dark(choice, hints.colorScheme())
    if dark == app.property("cardwriter-dark"):
        return dark  # nothing to change (and the starting palette is never touched for light)
    app.setProperty("cardwriter-dark", dark)
    if dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    else:
        app.setStyle(app.property("cardwriter-original-style"))
        app.setPalette(app.style().standardPalette())
    return dark
