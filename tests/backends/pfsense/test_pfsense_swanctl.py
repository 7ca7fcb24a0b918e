"""swanctl_map: the swanctl.conf pfSense's ipsec.inc would generate from the generated config.xml."""

from __future__ import annotations

import base64
import re
from dataclasses import replace

import pytest

import vpncc
from vpncc.backends import base
from vpncc.backends.pfsense.swanctl_map import esp_proposals, life_time, rekey_time, swanctl_conf
from vpncc.ir import Encryption, IkeVersion, Integrity, Routing

from ...strategies import sample_connection
from .pfsense_helpers import BASE, PROFILE, from_php, to_php

WAN = {"wan": "192.0.2.10"}


def conf(conn, profile=PROFILE) -> str:
    return swanctl_conf(vpncc.compile(conn, "pfsense", profile), WAN)


def section(text: str, name: str) -> str:
    """The body of ``name { ... }`` (first occurrence), by brace counting."""
    m = re.search(rf"^(\t*){re.escape(name)} {{\n", text, re.M)
    assert m, name
    depth, i = 1, m.end()
    while depth:
        j = text.index("\n", i) + 1
        line = text[i:j].strip()
        depth += line.endswith("{") - (line == "}")
        i = j
    return text[m.end():i]


def kv(body: str) -> dict[str, str]:
    out = {}
    depth = 0
    for line in body.splitlines():
        s = line.strip()
        if s.endswith("{"):
            depth += 1
        elif s == "}":
            depth -= 1
        elif depth == 0 and " = " in s:
            k, v = s.split(" = ", 1)
            out[k] = v
    return out


def test_ikev1_classic_golden(golden) -> None:
    golden("pfsense/swanctl-bgp-ikev1-classic.conf", conf(sample_connection()))


def test_ikev2_gcm_golden(golden) -> None:
    c = sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16, Encryption.AES128),
                          integrity=(Integrity.SHA2_256,), dh_groups=(20, 14),
                          esp_encryption=(Encryption.AES256, Encryption.AES128, Encryption.AES128_GCM_16))
    golden("pfsense/swanctl-bgp-ikev2-gcm.conf", conf(c))


def test_ikev1_connection_and_child() -> None:
    """IKEv1: ipsec_conid() con<ikeid>, one child con<ikeid>_<reqid> per phase 2 (split), VTI child."""
    text = conf(sample_connection())
    c1 = kv(section(text, "con1"))
    assert c1 == {
        "fragmentation": "yes", "unique": "replace", "version": "1", "aggressive": "no",
        "proposals": "aes128-sha1-modp1024", "dpd_delay": "10s", "dpd_timeout": "40s",   # 10 * (3 + 1)
        "reauth_time": "25920s", "over_time": "2880s", "rand_time": "2880s",           # 90 % of 28800
        "encap": "no", "mobike": "no", "local_addrs": "192.0.2.10", "remote_addrs": "198.51.100.7",
    }
    assert kv(section(section(text, "con1"), "local")) == {"id": "192.0.2.10", "auth": "psk"}
    assert kv(section(section(text, "con1"), "remote")) == {"id": "198.51.100.7", "auth": "psk"}
    child = kv(section(text, "con1_1"))
    assert child == {
        "policies": "no", "life_time": "3600s", "rekey_time": "3240s", "rand_time": "360s",
        "start_action": "start",                                   # VTI cannot trap: starts at once
        "local_ts": "169.254.44.42/30,0.0.0.0/0,::/0", "remote_ts": "169.254.44.41,0.0.0.0/0,::/0",
        "reqid": "5001",                                           # $ipsec_reqid_base + reqid
        "esp_proposals": "aes128-sha1-modp1024", "dpd_action": "restart",
        "close_action": "start",                                   # Close Action Restart/Reconnect
    }


def test_ikev2_single_child_and_proposal_order() -> None:
    c = sample_connection(ike_version=IkeVersion.IKEV2, encryption=(Encryption.AES256_GCM_16,),
                          integrity=(Integrity.SHA2_384,), dh_groups=(20,),
                          esp_encryption=(Encryption.AES128, Encryption.AES256, Encryption.AES256_GCM_16))
    text = conf(c)
    c1 = kv(section(text, "con1"))
    assert c1["version"] == "2" and "aggressive" not in c1 and "dpd_timeout" not in c1
    assert c1["rekey_time"] == "25920s" and c1["reauth_time"] == "0s"
    assert c1["proposals"] == "aes256gcm128-sha384-ecp384"     # GCM keylen is the ICV: gcm16
    child = kv(section(section(text, "con1"), "con1"))             # IKEv2: child named like the P1
    # AEAD first (ipsec_setup_tunnels()), then the CBC options in the order compiled: no keylen
    # "auto", which would add AES192
    assert child["esp_proposals"] == "aes256gcm128-ecp384,aes128-sha384-ecp384,aes256-sha384-ecp384"
    assert list(child)[:6] == ["policies", "life_time", "rekey_time", "rand_time", "start_action", "remote_ts"]


def test_nat_traversal_force_is_encap_yes() -> None:
    text = conf(sample_connection(), replace(PROFILE, nat_traversal=True))
    assert kv(section(text, "con1"))["encap"] == "yes"


def test_secrets_are_base64_of_the_trimmed_key() -> None:
    conn = sample_connection()
    text = conf(conn)
    s0 = kv(section(text, "ike-0"))
    assert s0["id-0"] == "%any" and s0["id-1"] == "198.51.100.7"
    assert base64.b64decode(s0["secret"][2:]).decode() == conn.tunnels[0].ike.psk
    assert s0["secret"].startswith("0s")


def test_base_config_policy_based_and_disabled_entries() -> None:
    php = to_php(BASE.read_text())
    p1 = php["pfsense"]["ipsec"]["phase1"][1]
    del p1["disabled"]
    text = swanctl_conf(from_php(php))
    # get_interface_ip(): the static WAN address of the config
    assert kv(section(text, "con1"))["local_addrs"] == "192.0.2.10"
    by = kv(section(text, "bypasslan"))
    assert by == {"local_ts": "10.10.0.0/16", "remote_ts": "10.10.0.0/16", "mode": "pass", "start_action": "trap"}
    child = kv(section(text, "con3_2"))
    assert child["mode"] == "tunnel" and child["policies"] == "yes"
    assert child["local_ts"] == "10.10.0.0/16" and child["remote_ts"] == "10.60.0.0/16"
    assert child["start_action"] == "trap" and child["dpd_action"] == "clear"  # no DPD on that phase 1
    assert "con3" in text
    # disabled again: the connection is gone (ipsec_setup_tunnels() skips disabled entries)
    assert "con3" not in swanctl_conf(BASE.read_text())


def test_time_derivations() -> None:
    """ipsec_get_life_time()/ipsec_get_rekey_time() defaults when fields are empty."""
    assert life_time({"iketype": "ikev2"}) == 16000 and rekey_time({"iketype": "ikev2"}) == 14400
    assert life_time({}) == 4000 and rekey_time({}) == 3600
    assert rekey_time({"iketype": "ikev2", "lifetime": "28800", "rekey_time": ""}) == 25920
    assert life_time({"rekey_time": "900"}) == 1000


def test_esp_proposals_without_pfs_and_ah_like_hashes() -> None:
    p2 = {"encryption-algorithm-option": [{"name": "aes", "keylen": "128"}, {"name": "aes128gcm", "keylen": "128"}],
          "hash-algorithm-option": ["hmac_sha256", "hmac_sha1"], "pfsgroup": "0"}
    assert esp_proposals(p2) == ["aes128gcm128", "aes128-sha256", "aes128-sha1"]


@pytest.mark.parametrize("routing", list(Routing))
def test_strongswan_reader_agrees(routing: Routing) -> None:
    """Independent check: vpncc's strongSwan reader reads the mapped swanctl.conf back to the AWS
    algorithms, identities and keys. The remaining differences are pfSense's translation: strongSwan
    reauthenticates IKEv1 at 90 % of the lifetime, and dpd_timeout = delay x (maxfail + 1)."""
    conn = sample_connection(routing=routing)
    dc = base.get("strongswan").read(conf(conn), "swanctl.conf")
    for t in conn.tunnels:
        d = next(x for x in dc.tunnels if x.get("outside.aws") and x.get("outside.aws").value == t.outside.aws)
        v = {k: o.value for k, o in d.values.items()}
        assert v["outside.customer"] == t.outside.customer
        assert v["ike.psk"] == t.ike.psk
        assert (v["ike.version"], v["ike.mode"]) == (t.ike.version, t.ike.mode)
        for key in ("ike.encryption", "ike.integrity", "ike.dh_groups", "ipsec.encryption", "ipsec.integrity",
                    "ipsec.pfs_groups"):
            assert set(v[key]) == set(getattr(getattr(t, key.split(".")[0]), key.split(".")[1])), key
        assert v["ipsec.lifetime_s"] == t.ipsec.lifetime_s
        assert v["ike.lifetime_s"] == int(t.ike.lifetime_s * 0.9)
        assert v["dpd.interval_s"] == t.dpd.interval_s and v["dpd.retries"] == t.dpd.retries + 1
