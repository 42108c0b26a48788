"""An account that looks autocreated (empty, X-Timestamp about "now") is
looked at twice: Swift's fake answer is made anew for each request."""
import email.utils

import pytest

from tests.unit import fakes


class Origin(fakes.FakeCluster):
    """Answers an empty account with a Date of its X-Timestamp; ``fake``:
    a new X-Timestamp for every request, as Swift's autocreate does."""

    def __init__(self, world, fake):
        super().__init__('origin', world)
        self.fake = fake
        self.answers = 0

    def _account_headers(self, acct):
        h = super()._account_headers(acct)
        self.answers += 1
        now = fakes.START + (self.answers * 0.001 if self.fake else 0)
        h['x-timestamp'] = '%.5f' % now
        h['date'] = email.utils.formatdate(fakes.START, usegmt=True)
        return h


@pytest.mark.parametrize('fake,deleted', [(False, 1), (True, 0)])
def test_an_account_emptied_just_after_its_creation_is_real(world, dest,
                                                            fake, deleted):
    """Model case 0007 was flaky: a real account emptied within two
    seconds of its creation looked nonexistent to one run (its deletions
    withheld) and real to the next."""
    origin = Origin(world, fake)
    origin.add_account('AUTH_a')
    dest.add_container('AUTH_a', 'c0')
    report = fakes.run_sync(origin, dest)
    assert report.counts['containers_deleted'] == deleted
    assert report.counts['accounts_missing_on_origin'] == 0
    assert bool(report.withheld) == fake
