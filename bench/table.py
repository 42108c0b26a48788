"""The result table: one line per measurement, with its target.

First-sync throughput compares swsync's own run time (from its report:
configuration read to end, interpreter start-up excluded) with the
copier's (authentication to end); the wall-time lines beside them include
start-up. Comparisons with rclone use wall time (rclone starts in ~0.1 s).
"""

MB = 1e6

COLUMNS = ('check', 'swsync', 'reference', 'ratio', 'target', 'result')


def row(check, swsync='', reference='', ratio='', target='', ok=None):
    """``ok``: True/False for a target (PASS/MISS), None for information."""
    return {'check': check, 'swsync': swsync, 'reference': reference,
            'ratio': ratio, 'target': target,
            'result': '' if ok is None else ('PASS' if ok else 'MISS')}


def percent(value):
    return '%.0f %%' % (100 * value)


def times(value):
    return '%.2fx' % value


def render(rows):
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows])
              for c in COLUMNS}
    line = '  '.join('%-*s' % (widths[c], c) for c in COLUMNS)
    out = [line, '  '.join('-' * widths[c] for c in COLUMNS)]
    for r in rows:
        out.append('  '.join('%-*s' % (widths[c], r[c])
                             for c in COLUMNS).rstrip())
    return '\n'.join(out)


def missed(rows):
    return [r for r in rows if r['result'] == 'MISS']


def lines(results, args, memory_results):
    """The table's rows from the bench results."""
    r = results
    out = []
    small_n, large_n = args.small, args.large_count
    large_bytes = large_n * args.large_mib * 1024 * 1024

    def rate(objs, seconds):
        return objs / seconds

    cs, cl = r['copier_small'], r['copier_large']
    ss, sl = r['swsync_small'], r['swsync_large']
    lim_s = rate(small_n, cs['seconds'])
    lim_l = rate(large_bytes, cl['seconds']) / MB
    out.append(row('limit: copier, %d x 1 KiB' % small_n,
                   reference='%.1f obj/s' % lim_s))
    out.append(row('limit: copier, %d x %d MiB' % (large_n, args.large_mib),
                   reference='%.1f MB/s' % lim_l))
    sw_s = rate(small_n, ss['run_seconds'])
    sw_l = rate(large_bytes, sl['run_seconds']) / MB
    out.append(row('first sync small vs limit', '%.1f obj/s' % sw_s,
                   '%.1f obj/s' % lim_s, percent(sw_s / lim_s), '>= 90 %',
                   sw_s / lim_s >= 0.9))
    out.append(row('first sync large vs limit', '%.1f MB/s' % sw_l,
                   '%.1f MB/s' % lim_l, percent(sw_l / lim_l), '>= 90 %',
                   sw_l / lim_l >= 0.9))
    for run, copier, unit, scale in (
            (ss, cs, 'obj/s', small_n), (sl, cl, 'MB/s', large_bytes / MB)):
        wall = scale / run['wall_seconds']
        out.append(row('  same, wall incl. %.1f s start-up' % run[
            'startup_seconds'], '%.1f %s' % (wall, unit),
            '%.1f %s' % (scale / copier['wall_seconds'], unit),
            percent(wall / (scale / copier['wall_seconds']))))
    fixed = r['swsync_noop_large']['run_seconds']
    if sl['run_seconds'] > fixed:
        copying = large_bytes / (sl['run_seconds'] - fixed) / MB
        out.append(row('  same, less %.2f s fixed cost (no-op run)' % fixed,
                       '%.1f MB/s' % copying, '%.1f MB/s' % lim_l,
                       percent(copying / lim_l)))
    rc_s, rc_l = r.get('rclone_small'), r.get('rclone_large')
    for name, run, peer, unit, scale in (
            ('small', ss, rc_s, 'obj/s', small_n),
            ('large', sl, rc_l, 'MB/s', large_bytes / MB)):
        mine = scale / run['wall_seconds']
        if peer:
            theirs = scale / peer['wall_seconds']
            out.append(row('first sync %s vs rclone (wall)' % name,
                           '%.1f %s' % (mine, unit),
                           '%.1f %s' % (theirs, unit), times(mine / theirs),
                           '> 1.00x', mine > theirs))
        else:
            out.append(row('first sync %s vs rclone' % name,
                           '%.1f %s' % (mine, unit), 'skipped'))
    for name, mine, ref, peer in (('small', ss, cs, rc_s),
                                  ('large', sl, cl, rc_l)):
        out.append(row('CPU time of the tool, %s' % name,
                       '%.1f s' % mine['cpu_seconds'],
                       'copier %.1f s%s' % (ref['cpu_seconds'], (
                           ', rclone %.1f s' % peer['cpu_seconds'])
                           if peer else '')))
    out.append(row('peak RSS, first sync large', '%.0f MB' % sl[
        'max_rss_mb'], 'copier %.0f MB%s' % (cl['max_rss_mb'], (
            ', rclone %.0f MB' % rc_l['max_rss_mb']) if rc_l else '')))

    noop = r['swsync_noop']
    req = noop['requests']
    peer = r.get('rclone_noop')
    out.append(row('no-op rerun: object requests', str(req.get('object', 0)),
                   'rclone %d' % peer['requests'].get('object', 0)
                   if peer else '', '', '0', req.get('object', 0) == 0))
    pages = req.get('listing', 0)
    out.append(row('no-op rerun: requests / listing pages',
                   '%d / %d' % (req['total'], pages),
                   'rclone %d requests' % peer['requests']['total']
                   if peer else '',
                   '%.2f' % (req['total'] / pages if pages else 0)))
    quick = r.get('swsync_noop_nogreendns')
    if quick:
        out.append(row('  same, EVENTLET_NO_GREENDNS=yes (info)',
                       '%.2f s' % quick['wall_seconds'],
                       'start-up %.2f s instead of %.2f s' % (
                           quick['startup_seconds'],
                           noop['startup_seconds'])))
    if peer:
        ratio = noop['wall_seconds'] / peer['wall_seconds']
        out.append(row('no-op rerun: wall time vs rclone',
                       '%.2f s' % noop['wall_seconds'],
                       '%.2f s (%s)' % (peer['wall_seconds'],
                                        peer['label']),
                       times(ratio), '< 1.00x', ratio < 1))
    else:
        out.append(row('no-op rerun: wall time',
                       '%.2f s' % noop['wall_seconds'], 'skipped'))

    # swsync's own run times: start-up is a constant, and a noisy one.
    incr = r['swsync_incremental']
    first = ss['run_seconds'] + sl['run_seconds']
    budget = 0.05 * first + noop['run_seconds']
    out.append(row('incremental 1 %% (%d PUT, %d POST)' % (
        r['changed']['puts'], r['changed']['posts']),
        '%.2f s' % incr['run_seconds'],
        'budget %.2f s' % budget, percent(incr['run_seconds'] / budget),
        '<= 100 %', incr['run_seconds'] <= budget))
    out.append(row('  same, vs first sync', '%.2f s' % incr['run_seconds'],
                   '%.2f s' % first, percent(incr['run_seconds'] / first)))
    out.append(row('  same, wall incl. start-up',
                   '%.2f s' % incr['wall_seconds'],
                   'no-op %.2f s' % noop['wall_seconds'],
                   percent(incr['wall_seconds'] / noop['wall_seconds'])))
    if r.get('rclone_incremental'):
        ri = r['rclone_incremental']
        out.append(row('  rclone incremental (info)', '',
                       '%.2f s, %d requests' % (ri['wall_seconds'],
                                                ri['requests']['total'])))

    if memory_results:
        base = memory_results[0]
        out.append(row('memory: empty container (baseline)',
                       '%.1f MB' % base['max_rss_mb']))
        sizes = sorted(n for n in memory_results if n)
        for n in sizes:
            m = memory_results[n]
            out.append(row('memory: %d listed objects' % n,
                           '%.1f MB' % m['max_rss_mb'],
                           '%.1f s, %d object requests' % (
                               m['run_seconds'], m['object_requests']),
                           '', '< 200 MB, 0 req',
                           m['max_rss_mb'] < 200 and
                           m['object_requests'] == 0))
        if len(sizes) > 1:
            lo, hi = memory_results[sizes[0]], memory_results[sizes[-1]]
            growth = hi['max_rss_mb'] / lo['max_rss_mb']
            out.append(row('memory: %d vs %d' % (sizes[-1], sizes[0]),
                           '%.1f MB' % hi['max_rss_mb'],
                           '%.1f MB' % lo['max_rss_mb'],
                           '+%.0f %%' % (100 * (growth - 1)), '<= +20 %',
                           growth <= 1.2))
    return out
