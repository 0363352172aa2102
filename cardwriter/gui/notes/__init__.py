"""The notes library: its model, its panel and what a note dropped on a card does."""
