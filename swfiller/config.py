"""oslo.config options of swfiller, with ``list_opts`` for the sample.

The ``[swift]`` group reuses swsync's cluster options, so swfiller
authenticates exactly like swsync does.
"""
import copy

from oslo_config import cfg

from swsync.config import CLUSTER_OPTS

FILLER_OPTS = [
    cfg.ListOpt('accounts', default=[],
                help='Accounts to fill (e.g. AUTH_test,AUTH_test2); -a '
                     'takes the first ones. Empty: generate names '
                     '<reseller prefix>swfiller-<seed>-<n>, which a '
                     'reseller admin may write into when the proxy has '
                     'account_autocreate = true.'),
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
    return [('swift', copy.deepcopy(CLUSTER_OPTS)),
            ('filler', copy.deepcopy(FILLER_OPTS))]


def register(conf):
    conf.register_opts(CLUSTER_OPTS, group='swift')
    conf.register_opts(FILLER_OPTS, group='filler')
