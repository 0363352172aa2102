"""What the stack's tiles share (variant cards and link cards): a row of buttons, and a grid of columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QToolButton, QWidget

from cardwriter.gui.common.interface_font import use_interface_font


def button_row(
    actions: Iterable[tuple[str, str, str]], pressed: Callable[[str], None]
) -> tuple[QHBoxLayout, dict[str, QToolButton]]:
    """Flat buttons, one per ``(object name, label, tooltip)``, left-aligned; a press calls ``pressed(name)``."""
    row = QHBoxLayout()
    row.setSpacing(2)
    buttons: dict[str, QToolButton] = {}
    for name, label, tip in actions:
        button = QToolButton()
        button.setText(label)
        button.setToolTip(tip)
        button.setObjectName(name)
        button.setAutoRaise(True)
        use_interface_font(button)
        button.clicked.connect(lambda _=False, name=name: pressed(name))
        row.addWidget(button)
        buttons[name] = button
    row.addStretch(1)
    return row, buttons


def place_in_columns(grid: QGridLayout, tiles: Sequence[QWidget], columns: int, most: int) -> None:
    """Lay ``tiles`` out in ``columns`` equal columns of ``grid`` (which has room for ``most``), row by row."""
    for tile in tiles:
        grid.removeWidget(tile)
    for i, tile in enumerate(tiles):
        grid.addWidget(tile, i // columns, i % columns)
    for column in range(most):
        grid.setColumnStretch(column, 1 if column < columns else 0)
