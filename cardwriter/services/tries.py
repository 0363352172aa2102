"""The tree of tries: everything that grew from one paragraph, as a tree (no Qt here).

``build_tree(card, acceptances)`` arranges a card's variants (every state,
discarded ones too) under the paragraph they came from. A variant does not
record the text it was written from, so the tree is built from what the stack
does record: each variant's ``Provenance`` (kind, ``parent_id``, ``note_ids``,
``created``) and the times variants were accepted (``project.acceptances``,
oldest first). The rules:

- **The root** is the paragraph as first written: the oldest ORIGINAL variant
  (the first accept puts the replaced text in the stack as one). With none, the
  card's text if nothing was ever accepted, else an empty paragraph (an accept
  into a blank card keeps no ORIGINAL).
- **A refined variant** hangs under its parent (``Provenance.parent_id``). If the
  parent is gone, it hangs where any other variant would.
- **Any other variant** (a rewrite, a restyle, a continuation, a fusion with notes)
  hangs under the text the card held when it was created: the variant accepted
  most recently at or before its ``created`` time, or the root if none was.
- **The writer's own edits**: a later ORIGINAL is the text an accept replaced when
  it matched no accepted variant, so the writer had typed it. It is labelled "your
  edit" and hangs under the variant accepted before the accept that made it (the
  root if that was the first). Which accept made it: the earliest one, after the one
  that made the previous ORIGINAL, at or after its ``created`` time (the two happen in
  one transaction), so accepts within one millisecond still pair up in order. One
  whose accept was not recorded (made before acceptances were kept, schema 5) hangs
  under the variant accepted last before it.
- Children are in the order they were made (oldest first; the stack's order breaks
  ties). A parent link that would loop hangs the variant under the root instead.
- **Now**: the node whose text is the card's text now is ``is_current``: the
  ACCEPTED variant with that text (the most recently accepted of them), else the
  root if the paragraph is unchanged. Every node from the root down to it is
  ``on_path``. If the writer typed since the last accept, no node is current and no
  node is made up for the typed text: the path runs to the variant accepted last
  (``edited_since`` says so).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from cardwriter.domain.model import Card, Variant, VariantKind, VariantState
from cardwriter.storage.stack_records import Acceptance


@dataclass
class TryNode:
    """One try: the original, a variant, or the writer's own edit, with what grew from it."""

    variant: Variant | None  # None: the card's own text (no ORIGINAL kept)
    text: str
    kind: str  # "original", "your edit", "rewrite", "refined · restyle · plainer", "fusion"
    state: VariantState | None
    note_ids: tuple[str, ...] = ()
    accepted_at: list[str] = field(default_factory=list)  # ISO 8601 UTC, oldest first
    children: list[TryNode] = field(default_factory=list)
    on_path: bool = False
    is_current: bool = False

    @property
    def id(self) -> str:
        """The variant's id ("" for a root that is the card's own text)."""
        return self.variant.id if self.variant is not None else ""

    def walk(self) -> Iterator[TryNode]:
        """This node and everything under it, depth first, in the tree's order."""
        yield self
        for child in self.children:
            yield from child.walk()


def kind_label(variant: Variant, root: bool = False) -> str:
    """What a try is: "original", "your edit", or its kind with "refined" and its angle."""
    p = variant.provenance
    if p.kind is VariantKind.ORIGINAL:
        return "original" if root else "your edit"
    parts = ["refined"] if p.parent_id else []
    parts.append("fusion" if p.kind is VariantKind.RECOMBINE else p.kind.value)
    if p.angle:
        parts.append(p.angle)
    return " · ".join(parts)


def edited_since(root: TryNode) -> bool:
    """True when the card's text is none of the tries (the writer typed since the last accept)."""
    return not any(node.is_current for node in root.walk())


def path_to(root: TryNode, node_id: str) -> list[TryNode]:
    """The nodes from the root down to the node with ``node_id`` (empty if there is none)."""
    if root.id == node_id:
        return [root]
    for child in root.children:
        below = path_to(child, node_id)
        if below:
            return [root, *below]
    return []


def build_tree(card: Card, acceptances: Sequence[Acceptance]) -> TryNode:
    """The tree of ``card``'s tries; ``acceptances`` are its accepts, oldest first (see the module's rules)."""
    by_id = {v.id: v for v in card.variants}
    place = {v.id: n for n, v in enumerate(card.variants)}
    records = [a for a in acceptances if a.variant_id in by_id]

    def made(v: Variant) -> tuple[str, int]:
        return v.provenance.created, place[v.id]

    originals = sorted((v for v in card.variants if v.provenance.kind is VariantKind.ORIGINAL), key=made)
    first = originals[0] if originals else None
    nodes: dict[str, TryNode] = {
        v.id: TryNode(
            v,
            v.text,
            kind_label(v, root=v is first),
            v.state,
            v.provenance.note_ids,
            [a.at for a in records if a.variant_id == v.id],
        )
        for v in card.variants
    }
    if first is not None:
        root = nodes[first.id]
    else:
        ever = records or any(v.state is VariantState.ACCEPTED for v in card.variants)
        root = TryNode(None, "" if ever else card.text, "original", None)

    def accepted_before(created: str, at_same_time: bool = True) -> TryNode:
        """The node the card held at ``created``: the variant accepted last before then (or the root)."""
        held = [a for a in records if a.at < created or (at_same_time and a.at == created)]
        return nodes[held[-1].variant_id] if held else root

    parent: dict[str, TryNode] = {}
    made_root = _maker(records, first, -1) if first is not None else None
    used = -1 if made_root is None else made_root
    for v in originals[1:]:
        maker = _maker(records, v, used)
        if maker is None:
            parent[v.id] = accepted_before(v.provenance.created, at_same_time=False)
        else:
            used = maker
            parent[v.id] = nodes[records[maker - 1].variant_id] if maker > 0 else root
    for v in card.variants:
        if v is first or v.id in parent:
            continue
        source = v.provenance.parent_id
        if source in nodes and source != v.id:
            parent[v.id] = nodes[source]
        else:
            parent[v.id] = accepted_before(v.provenance.created)
    _break_loops(parent, root)
    for v in sorted(card.variants, key=made):
        if v is not first:
            parent[v.id].children.append(nodes[v.id])

    current = _current(card, records, nodes, root)
    anchor = current or _last_accepted(card, records, nodes) or root
    for node in path_to(root, anchor.id):
        node.on_path = True
    if current is not None:
        current.is_current = True
    return root


def _maker(records: Sequence[Acceptance], original: Variant, after: int) -> int | None:
    """The index of the accept that put ``original`` in the stack: the first after ``after`` at or after its time."""
    created = original.provenance.created
    return next((k for k in range(after + 1, len(records)) if records[k].at >= created), None)


def _break_loops(parent: dict[str, TryNode], root: TryNode) -> None:
    """Hang a variant whose parent links go round in a circle under the root instead."""
    for start in list(parent):
        seen, node_id = {start}, start
        while node_id in parent:
            node_id = parent[node_id].id
            if node_id in seen:
                parent[start] = root
                break
            seen.add(node_id)


def _current(card: Card, records: Sequence[Acceptance], nodes: dict[str, TryNode], root: TryNode) -> TryNode | None:
    """The node whose text the card holds now, or None if the writer typed since."""
    order = {a.variant_id: k for k, a in enumerate(records)}
    held = [
        (order.get(v.id, -1), n, v.id)
        for n, v in enumerate(card.variants)
        if v.state is VariantState.ACCEPTED and v.text == card.text
    ]
    if held:
        return nodes[max(held)[2]]
    return root if root.text == card.text else None


def _last_accepted(card: Card, records: Sequence[Acceptance], nodes: dict[str, TryNode]) -> TryNode | None:
    """The node accepted last (by the records; else the last variant still marked accepted)."""
    if records:
        return nodes[records[-1].variant_id]
    accepted = [v for v in card.variants if v.state is VariantState.ACCEPTED]
    return nodes[accepted[-1].id] if accepted else None
