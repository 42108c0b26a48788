"""Red-team finding: a credential in an auth URL (``user:password@`` or a
query string) was printed whole in start-up errors ("cannot reach ...",
"authentication failed (412) at ...")."""
import socket

import pytest

from swsync.client.auth import TempAuth
from swsync.client.errors import AuthError, safe_url, scrub_url

SECRET = 'S3cr3t-XYZ'


@pytest.mark.parametrize('url, shown', [
    ('http://u:%s@proxy:8080/auth/v1.0' % SECRET,
     'http://proxy:8080/auth/v1.0'),
    ('https://proxy/auth/v1.0?key=%s#%s' % (SECRET, SECRET),
     'https://proxy/auth/v1.0'),
    ('http://[::1]:8080/auth', 'http://[::1]:8080/auth'),
    ('http://proxy/auth', 'http://proxy/auth'),
])
def test_safe_url(url, shown):
    assert safe_url(url) == shown


def test_scrub_url_removes_the_secret_parts_from_a_message():
    url = 'http://u:%s@h:99999/a?k=%s' % (SECRET, SECRET)
    text = scrub_url('Failed to parse: %s (url: /a?k=%s)' % (url, SECRET),
                     url)
    assert SECRET not in text and 'h:99999' in text


class Conf:
    username = 'admin:admin'
    password = 'adminpass'
    insecure = False
    cafile = certfile = keyfile = storage_url = None
    timeout = 5


def _closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize('template', [
    'http://u:%s@127.0.0.1:{port}/auth/v1.0' % SECRET,
    'http://127.0.0.1:{port}/auth/v1.0?key=%s' % SECRET,
    'http://u:%s@127.0.0.1:99999/' % SECRET,
])
def test_unreachable_auth_url_error_names_no_secret(template):
    conf = Conf()
    conf.auth_url = template.format(port=_closed_port())
    with pytest.raises(AuthError) as caught:
        TempAuth('origin', conf).credentials()
    assert SECRET not in str(caught.value)
    assert 'cannot reach' in str(caught.value)
