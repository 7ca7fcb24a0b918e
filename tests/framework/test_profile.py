import ipaddress

import jsonschema
import pytest
import yaml

from vpncc import profile as prof
from vpncc.errors import ProfileError


def test_load_good_profile(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("outside_interface: GigabitEthernet0/0/0\nlocal_networks: [10.1.0.0/16, 10.2.0.0/16]\n"
                 "nat-traversal: true\ncrypto: Compatible\ntunnel_start: 10\n")
    pr = prof.load(p)
    assert pr.outside_interface == "GigabitEthernet0/0/0"
    assert pr.local_networks == [ipaddress.IPv4Network("10.1.0.0/16"), ipaddress.IPv4Network("10.2.0.0/16")]
    assert pr.nat_traversal is True and pr.crypto == "compatible" and pr.tunnel_start == 10


def test_unknown_key_names_key_and_line(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("outside_interface: Gi1\n\noutside_intreface: Gi2\n")
    with pytest.raises(ProfileError) as e:
        prof.load(p)
    assert e.value.line == 3 and "outside_intreface" in str(e.value) and f"{p}:3" in str(e.value)


@pytest.mark.parametrize("body, key", [
    ("tunnel_start: ten\n", "tunnel_start"),
    ("local_networks: [10.0.0.0/33]\n", "local_networks"),
    ("bgp_router_id: 300.1.1.1\n", "bgp_router_id"),
    ("nat_traversal: maybe\n", "nat_traversal"),
    ("crypto: strongest\n", "crypto"),
    ("release: \"17.11; reload\"\n", "release"),
    ("outside_interface: \"Gi1\\nusername admin privilege 15\"\n", "outside_interface"),
    ("customer_asn: 0\n", "customer_asn"),
])
def test_wrong_types_are_refused(tmp_path, body, key):
    p = tmp_path / "site.yaml"
    p.write_text("# a comment\n" + body)
    with pytest.raises(ProfileError) as e:
        prof.load(p)
    assert key in str(e.value) and e.value.line == 2


def test_invalid_yaml_has_position(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("a: [1, 2\nb: 3\n")
    with pytest.raises(ProfileError) as e:
        prof.load(p)
    assert e.value.line is not None


def test_schema_accepts_example_values_and_rejects_unknown():
    schema = prof.json_schema()
    jsonschema.validate({"outside_interface": "Gi1", "local_networks": ["10.0.0.0/8"], "tunnel_start": 1}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"outside_intreface": "Gi1"}, schema)


def test_example_mentions_every_field_and_is_valid_yaml_when_uncommented():
    text = prof.example_text()
    for name in prof.FIELDS:
        assert f"# {name}:" in text
    lines = [l[2:] for l in text.splitlines() if l.startswith("# ") and not l.startswith("#   ")
             and ":" in l and l[2:].split(":")[0] in prof.FIELDS]
    lines_full = []
    for l in text.splitlines():
        if l.startswith("#   - "):
            lines_full.append(l[2:])
        elif l.startswith("# ") and l[2:].split(":")[0] in prof.FIELDS:
            lines_full.append(l[2:])
    data = yaml.safe_load("\n".join(lines_full))
    assert set(data) == set(prof.FIELDS)
    prof.from_mapping(data)  # every example value is valid
    assert lines


def test_release_keeps_the_text_as_written(tmp_path):
    # YAML reads an unquoted 17.10 as the float 17.1: the profile keeps what the user wrote
    p = tmp_path / "site.yaml"
    p.write_text("release: 17.10\ncrypto: recommended\n")
    pr = prof.load(p)
    assert pr.release == "17.10" and pr.crypto == "recommended"
    assert prof.coerce("release", "9.15") == "9.15"
    assert prof.from_mapping({"release": 2.7}).release == "2.7"


def test_schema_knows_crypto_and_release():
    schema = prof.json_schema()
    jsonschema.validate({"crypto": "compatible", "release": "17.11"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"crypto": "strongest"}, schema)
    assert "prefer_ikev2" not in schema["properties"] and "prefer_strong" not in schema["properties"]
