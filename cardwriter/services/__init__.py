"""Use cases shared by the GUI and the command line: edit, import, export, fill stacks."""
