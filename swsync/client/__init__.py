"""The client side shared by swsync and swfiller: one Swift cluster seen
by a reseller admin (``swift.Cluster``: HTTP, retries, named operations),
its authentication (``auth``: tempauth; ``keystone``: Keystone v3) and the
errors they raise (``errors``).
"""
from swsync.client.auth import TempAuth
from swsync.client.keystone import KeystoneAuth


def make_auth(side, conf, group, identity_conf=None):
    """The authenticator of one side: ``conf`` the ConfigOpts, ``group``
    the side's section (``[origin]``...), whose options
    ``swsync.config.register_auth`` registered; ``identity_conf``: its
    ``[<side>_identity]`` group (Keystone only)."""
    if conf[group].auth_version == '3':
        return KeystoneAuth(side, conf, group, identity_conf)
    return TempAuth(side, conf[group])
