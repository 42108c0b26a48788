"""The long tier of the model-based test (tests/functional/test_model.py),
for ``tox -e fuzz``: the regression seeds of model_seeds.txt, the whole
logs of the fuzz sequences that found divergences (model_cases/found),
and many fresh seeds (SWIFTSYNC_FUZZ_SEEDS or SWIFTSYNC_FUZZ_COUNT)."""
import os

import pytest

from tests.functional import test_model as tm


@pytest.fixture(scope='module')
def out_dir(saio_root):
    path = os.environ.get('SWIFTSYNC_MODEL_OUT') or os.path.join(
        str(saio_root), 'model-runs')
    os.makedirs(path, exist_ok=True)
    return path


@pytest.mark.parametrize(
    'seed,version,ops,avoid,comment', tm.regression_seeds(),
    ids=['seed%d-%dops%s' % (r[0], r[2], '-avoid' if r[3] else '')
         for r in tm.regression_seeds()])
def test_model_regression_seed(origin, destination, tmp_path, out_dir,
                               seed, version, ops, avoid, comment):
    """Seeds that once found a divergence (see the comment in
    model_seeds.txt; a seed drawn by an older generator version may no
    longer draw the same operations: model_cases/ replays exact ones)."""
    tm._run(origin, destination, tmp_path, out_dir,
            'regression-%d-%d' % (seed, ops), seed, n_ops=ops,
            prefix='g%d' % ops, avoid=avoid)


@pytest.mark.parametrize('case', [c for c in tm.regression_cases()
                                  if c.startswith('found')])
def test_model_found_case(request, destination, tmp_path, out_dir, case):
    tm.replay_case(request, destination, tmp_path, out_dir, case)


@pytest.mark.parametrize('seed', tm.fuzz_seeds())
def test_model_fuzz(origin, destination, tmp_path, out_dir, seed):
    tm._run(origin, destination, tmp_path, out_dir, 'fuzz-%d' % seed, seed,
            n_ops=int(os.environ.get('SWIFTSYNC_FUZZ_OPS') or 40),
            prefix='f', avoid=tm.avoided())


@pytest.mark.parametrize('seed', tm.marked_seeds(
    'SWIFTSYNC_FUZZ_MARKED_SEEDS', '3100-3119'))
def test_model_fuzz_change_marks(marked_origin, destination, tmp_path,
                                 out_dir, seed):
    """Fresh seeds against an origin with swsync's change-marks
    middleware (SWIFTSYNC_FUZZ_MARKED_SEEDS)."""
    tm._run(marked_origin, destination, tmp_path, out_dir,
            'fuzz-marked-%d' % seed, seed,
            n_ops=int(os.environ.get('SWIFTSYNC_FUZZ_OPS') or 40),
            prefix='fk', avoid=tm.avoided(),
            sync_options=tm.MARKED_OPTIONS)
