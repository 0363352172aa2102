"""Variant stacks: filling them in the background, the peek, the unfurled tiles and their actions."""
