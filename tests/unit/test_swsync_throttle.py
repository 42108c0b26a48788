"""The token bucket behind max_requests_per_second and
max_bytes_per_second, on a fake clock."""
from swsync.throttle import Throttle, TokenBucket, lift_all


class Clock:
    def __init__(self):
        self.now = 100.0
        self.slept = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept += seconds
        self.now += seconds


def test_a_burst_of_one_second_then_the_rate():
    clock = Clock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        bucket.take()
    assert clock.slept == 0          # the first second's worth at once
    for _ in range(50):
        bucket.take()
    assert abs(clock.slept - 5.0) < 1e-9     # then 10 per second


def test_large_takes_are_a_debt_paid_by_waiting():
    clock = Clock()
    bucket = TokenBucket(1000, clock=clock, sleep=clock.sleep)
    bucket.take(1000)
    bucket.take(5000)
    assert abs(clock.slept - 5.0) < 1e-9


def test_idle_time_refills_up_to_one_second():
    clock = Clock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        bucket.take()
    clock.now += 60              # an hour idle gives no more than 1 s
    for _ in range(20):
        bucket.take()
    assert abs(clock.slept - 1.0) < 1e-9


def test_no_limit_no_bucket():
    throttle = Throttle(0, 0)
    assert throttle.requests is None and throttle.bytes is None
    throttle.request()
    throttle.transferred(10 ** 9)


def test_lift_ends_a_long_wait():
    """Red-team finding: a debt at a low rate was one sleep of minutes
    (hours), longer than the shutdown_timeout of a stopping run; lift()
    ends the wait within a slice."""
    clock = Clock()
    throttle = Throttle(0, 0.5)
    bucket = throttle.bytes
    bucket.clock, bucket.sleep, bucket.stamp = clock, clock.sleep, clock()

    def sleep(seconds):
        clock.sleep(seconds)
        if clock.slept >= 3:
            throttle.lift()
    bucket.sleep = sleep
    bucket.take(10 ** 6)           # two million seconds of debt
    assert 3 <= clock.slept <= 3 + TokenBucket.SLICE
    bucket.take(10 ** 6)           # and no waiting afterwards
    assert clock.slept <= 3 + TokenBucket.SLICE


def test_lift_all_lifts_every_throttle():
    throttles = [Throttle(1, 1), Throttle(0, 5)]
    lift_all()
    assert all(t.requests.lifted for t in throttles[:1])
    assert all(t.bytes.lifted for t in throttles)
