"""A third-party backend as a plugin author would write it (used by test_registry)."""

from vpncc.backends.base import Backend


class VyosBackend(Backend):
    name = "vyos"
    description = "test plugin"

    def render(self, conn, profile, options):
        return {"vyos.conf": "set vpn ipsec\n"}

    def read(self, text, path=None):
        raise NotImplementedError
