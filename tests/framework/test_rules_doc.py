from pathlib import Path

from vpncc.validate.rules import BY_KEY, CATALOGUE, markdown

ROOT = Path(__file__).resolve().parents[2]


def test_rules_doc_in_sync():
    assert (ROOT / "docs" / "RULES.md").read_text() == markdown(), "regenerate: vpncc rules --markdown > docs/RULES.md"


def test_catalogue_is_consistent():
    ids = [r.id for r in CATALOGUE]
    assert len(ids) == len(set(ids)) and all(i.startswith("VPN") and len(i) == 6 for i in ids)
    assert all(r.symptom and r.cause and r.check for r in CATALOGUE)
    from vpncc.validate.compare import COMPARED_KEYS

    for key in COMPARED_KEYS:
        assert key in BY_KEY, f"compared key {key} has no rule"
    assert all(r.why for r in CATALOGUE), "every rule says why its severity is what it is"
    assert {r.category for r in CATALOGUE} == {"compliance", "security"}
    assert all(r.category == "security" for r in CATALOGUE if r.id.startswith("VPN5"))
