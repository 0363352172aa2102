"""The desktop app in PySide6: the only package that imports Qt."""
