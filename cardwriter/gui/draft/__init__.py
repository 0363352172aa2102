"""The draft column: the cards, their model, editor and painting, and undoable edits."""
