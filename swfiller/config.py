"""oslo.config options of swfiller, with ``list_opts`` for the sample.

The ``[swift]`` group reuses swsync's cluster options, so swfiller
authenticates exactly like swsync does: tempauth by default, Keystone with
``auth_type`` (a keystoneauth1 plugin; ``auth_version = 3`` is the older
form of ``auth_type = password``). With Keystone that user must be a
Keystone admin (it creates projects and users) and hold the ResellerAdmin
role (it writes into their accounts).
"""
import copy

from oslo_config import cfg

from swsync import config as swsync_config

FILLER_OPTS = [
    cfg.ListOpt('accounts', default=[],
                help='Tempauth: accounts to fill (e.g. '
                     'AUTH_test,AUTH_test2); -a takes the first ones. '
                     'Empty: generate names <reseller '
                     'prefix>swfiller-<seed>-<n>, which a reseller admin '
                     'may write into when the proxy has account_autocreate '
                     '= true. Not used with Keystone, where swfiller '
                     'creates its projects.'),
    cfg.StrOpt('keystone_operator_role', default='member',
               help='Keystone: the role each created user gets on its '
                    'project; one of the proxy\'s keystoneauth '
                    'operator_roles, so that the user owns the project\'s '
                    'account. Created when missing (and never deleted).'),
    cfg.StrOpt('keystone_domain', default='Default',
               help='Keystone: name of the domain of the projects and '
                    'users swfiller creates.'),
    cfg.IntOpt('concurrency', default=16, min=1, max=1024,
               help='Requests in flight at once.'),
    cfg.ListOpt('storage_policies', default=[],
                help='Storage policies to spread containers over with '
                     '--policies. Empty: every policy the cluster lists '
                     'in /info.'),
    cfg.IntOpt('retries', default=3, min=0,
               help='Retries of a request on 5xx, 429, timeouts and '
                    'connection errors.'),
    cfg.FloatOpt('retry_max_backoff', default=10.0, min=0.0,
                 help='Longest wait between two retries, in seconds.'),
]


def list_opts():
    """For oslo-config-generator (etc/swfiller-config-generator.conf)."""
    return [('swift', swsync_config.side_opts()),
            ('filler', copy.deepcopy(FILLER_OPTS))]


def register(conf):
    swsync_config.register_side(conf, 'swift')
    conf.register_opts(FILLER_OPTS, group='filler')
