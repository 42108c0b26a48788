"""The client side shared by swsync and swfiller: one Swift cluster seen
by a reseller admin (``swift.Cluster``: HTTP, retries, named operations),
its authentication (``auth``: tempauth; ``keystone``: Keystone v3) and the
errors they raise (``errors``).
"""
from typing import TYPE_CHECKING

from swsync.client.auth import CachedAuth, TempAuth
from swsync.client.keystone import KeystoneAuth

if TYPE_CHECKING:
    from oslo_config import cfg


def make_auth(side: str, conf: 'cfg.ConfigOpts', group: str,
              identity_conf: 'cfg.ConfigOpts.GroupAttr | None' = None
              ) -> CachedAuth:
    """The authenticator of one side: ``conf`` the ConfigOpts, ``group``
    the side's section (``[origin]``...), whose options
    ``swsync.config.register_auth`` registered; ``identity_conf``: its
    ``[<side>_identity]`` group (Keystone only)."""
    if conf[group].auth_version == '3':
        return KeystoneAuth(side, conf, group, identity_conf)
    return TempAuth(side, conf[group])
