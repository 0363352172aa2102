"""Projects as files: open, save as, import and export, backups, recovery and the save guard."""
