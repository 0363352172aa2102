import pytest

from cardwriter.evaluation.recombine_bench import make_pairs, split_pairs


def rows():
    return [{"id": f"{book}-{j}", "source": book, "text": f"text {book} {j}"} for book in "abc" for j in range(4)]


def test_pairs_join_the_same_numbered_paragraph_of_the_next_book():
    pairs = make_pairs(rows())
    assert len(pairs) == 12
    assert all(a["source"] != b["source"] for a, b in pairs)
    assert (pairs[0][0]["id"], pairs[0][1]["id"]) == ("a-0", "b-0")
    assert (pairs[2][0]["id"], pairs[2][1]["id"]) == ("c-0", "a-0")  # the last book wraps round


def test_tune_and_report_splits_are_disjoint_and_cover_every_pair():
    pairs = make_pairs(rows())
    tune, report = split_pairs(pairs, "tune"), split_pairs(pairs, "report")

    def ids(ps):
        return {(a["id"], b["id"]) for a, b in ps}

    assert not ids(tune) & ids(report) and ids(tune) | ids(report) == ids(pairs)
    with pytest.raises(ValueError):
        split_pairs(pairs, "all")
