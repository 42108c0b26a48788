"""Destination limits (from /info) that an origin item may exceed. Pure.

Two clusters can be configured differently; an item that the destination
cannot hold is reported with the limit it breaks, instead of failing with
an obscure 400 or 413.
"""

DEFAULTS = {
    'max_file_size': 5368709122,
    'max_meta_name_length': 128,
    'max_meta_value_length': 256,
    'max_meta_count': 90,
    'max_meta_overall_size': 4096,
    'max_object_name_length': 1024,
    'max_container_name_length': 256,
}


def from_info(info):
    """The destination's constraints, defaults where /info is silent."""
    swift = (info or {}).get('swift', {})
    return {k: int(swift.get(k, v)) for k, v in DEFAULTS.items()}


def container_problem(name, limits):
    size = len(name.encode('utf-8'))
    if size > limits['max_container_name_length']:
        return ('container name of %d bytes exceeds the destination '
                'max_container_name_length %d' % (
                    size, limits['max_container_name_length']))
    return None


def object_problem(name, size, headers, limits, meta_prefix='x-object-meta-'):
    """Why the destination would refuse this object, or None.

    ``headers`` are wire headers (latin-1 decoded bytes), as sent.
    """
    name_len = len(name.encode('utf-8'))
    if name_len > limits['max_object_name_length']:
        return ('object name of %d bytes exceeds the destination '
                'max_object_name_length %d' % (
                    name_len, limits['max_object_name_length']))
    if size is not None and size > limits['max_file_size']:
        return ('object of %d bytes exceeds the destination max_file_size '
                '%d' % (size, limits['max_file_size']))
    return metadata_problem(headers, limits, meta_prefix)


def metadata_problem(headers, limits, prefix):
    count = total = 0
    for key, value in headers.items():
        if not key.lower().startswith(prefix):
            continue
        short = key[len(prefix):]
        count += 1
        total += len(short) + len(value)
        if len(short) > limits['max_meta_name_length']:
            return ('metadata name %r is longer than the destination '
                    'max_meta_name_length %d' % (
                        short, limits['max_meta_name_length']))
        if len(value) > limits['max_meta_value_length']:
            return ('metadata %r value is longer than the destination '
                    'max_meta_value_length %d' % (
                        short, limits['max_meta_value_length']))
    if count > limits['max_meta_count']:
        return ('%d metadata items exceed the destination max_meta_count '
                '%d' % (count, limits['max_meta_count']))
    if total > limits['max_meta_overall_size']:
        return ('%d bytes of metadata exceed the destination '
                'max_meta_overall_size %d' % (
                    total, limits['max_meta_overall_size']))
    return None


def listing_limit(configured, *infos):
    """Names per listing page: the configured number, lowered to what
    every cluster's /info allows (a cluster whose /info is hidden tells
    with a 412 instead: see listing.iter_pages)."""
    limit = configured
    for info in infos:
        for key in ('container_listing_limit', 'account_listing_limit'):
            value = (info or {}).get('swift', {}).get(key)
            if value:
                limit = min(limit, int(value))
    return limit
