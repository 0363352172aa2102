"""The window itself: the main window, its menu, status bar, start panel and the application's start."""
