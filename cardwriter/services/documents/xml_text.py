"""Text as XML 1.0 can hold it, for the documents Cardwriter writes (.docx, .odt).

XML 1.0 allows no control characters but tab, line feed and carriage
return, no lone surrogates, and neither U+FFFE nor U+FFFF; a file holding
one is not well-formed, and office suites refuse to open it. A card may
hold them all the same (pasted from elsewhere, or a vertical tab, which is
how Word itself writes a manual line break in plain text).
"""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold: C0 controls but tab, newline and carriage return; surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Of those, the ones that mean a line break: vertical tab (Word's manual line break) and form feed (a page break).
_LINE_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})


def xml_safe(text: str) -> str:
    """``text`` with a vertical tab or form feed as a line break and other characters XML forbids left out."""
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub("", text.translate(_LINE_BREAKS))
