"""Link cards: notes and echoes of other paragraphs, offered in a paragraph's stack, and what they do."""
