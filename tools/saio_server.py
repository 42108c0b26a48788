"""Run one Swift server or daemon of a local test cluster.

Swift reads ``swift.conf`` (storage policies, constraints) from
``/etc/swift`` at import time and logs to syslog. Neither suits several
clusters side by side on one machine, so this launcher points Swift at the
cluster's own ``swift.conf`` and sends logs to files *before* the servers
import their configuration.

Usage: python saio_server.py CLUSTER_DIR SERVER
  SERVER: proxy|account|container|object (WSGI servers), proxyN (another
          proxy of the same cluster, etc/proxyN-server.conf),
          container-updater|object-expirer (run once and exit), or
          rings BASE_PORT (build the rings).
"""
import logging
import os
import sys


class _FileLogHandler(logging.FileHandler):
    """Stands in for Swift's syslog handler: one file per server.

    The proxy access log uses facility LOG_LOCAL1 (see the proxy config) and
    goes to its own file so tests can count the requests a run made.
    """

    def __init__(self, address=None, facility=None):
        log_dir = os.environ['SAIO_LOG_DIR']
        name = os.environ['SAIO_SERVER']
        if facility == logging.handlers.SysLogHandler.LOG_LOCAL1:
            # proxy -> proxy-access.log, proxy2 -> proxy2-access.log
            name = name + '-access'
        super().__init__(os.path.join(log_dir, name + '.log'))


def prepare(cluster_dir, server):
    """Point Swift at the cluster's ``swift.conf`` and log files; call it
    before anything else of Swift is imported (bench/container_rows.py
    uses it too)."""
    os.environ['SAIO_LOG_DIR'] = os.path.join(cluster_dir, 'log')
    os.environ['SAIO_SERVER'] = server
    import logging.handlers  # noqa: F401  (used by _FileLogHandler)
    import swift.common.utils
    swift.common.utils.SWIFT_CONF_FILE = os.path.join(
        cluster_dir, 'etc', 'swift.conf')
    # Imported only after the path is set: both read swift.conf on import.
    from swift.common import constraints, storage_policy
    from swift.common.utils import logs
    storage_policy.reload_storage_policies()
    constraints.reload_constraints()
    logs.ThreadSafeSysLogHandler = _FileLogHandler


def build_rings(etc, base_port):
    """One device per ring on 127.0.0.1, one replica: account, container,
    object (policy 0) and object-1 (policy 1)."""
    from swift.common.ring import RingBuilder
    rings = [('account', 1), ('container', 2), ('object', 3),
             ('object-1', 3)]
    for ring_name, offset in rings:
        builder = RingBuilder(6, 1, 1)
        builder.add_dev({'id': 0, 'region': 1, 'zone': 1,
                         'ip': '127.0.0.1', 'port': base_port + offset,
                         'device': 'd1', 'weight': 1})
        builder.rebalance()
        builder.get_ring().save(os.path.join(etc, '%s.ring.gz' % ring_name))


def main(argv):
    cluster_dir, server = argv[1], argv[2]
    if server == 'rings':
        build_rings(os.path.join(cluster_dir, 'etc'), int(argv[3]))
        return 0
    prepare(cluster_dir, server)
    conf_dir = os.path.join(cluster_dir, 'etc')
    if server in ('proxy', 'account', 'container', 'object') or \
            server.startswith('proxy'):
        from swift.common.wsgi import run_wsgi
        conf = os.path.join(conf_dir, '%s-server.conf' % server)
        kind = 'proxy' if server.startswith('proxy') else server
        return run_wsgi(conf, '%s-server' % kind)
    from swift.common.daemon import run_daemon
    if server == 'container-updater':
        from swift.container.updater import ContainerUpdater as klass
        conf = os.path.join(conf_dir, 'container-server.conf')
    elif server == 'object-expirer':
        from swift.obj.expirer import ObjectExpirer as klass
        conf = os.path.join(conf_dir, 'object-server.conf')
    else:
        raise SystemExit('unknown server %r' % server)
    run_daemon(klass, conf, once=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
