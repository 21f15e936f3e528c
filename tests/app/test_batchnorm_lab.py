"""The BatchNorm & Dropout lab without a browser: its numbers against independent NumPy formulas."""
import numpy as np
import pytest

from app.views.batchnorm.experiment import BatchNormExperiment, variance_shift
from app.core.i18n import t
from app.views.batchnorm.view import BatchNormLab, format_values, parse_values


@pytest.fixture(scope="module")
def experiment():
    return BatchNormExperiment("lenet5")


@pytest.fixture
def view(experiment):
    experiment.reset_running()
    experiment.reset_gamma_beta()
    return BatchNormLab(experiment=experiment, batch_size=8)


def test_shown_batch_statistics_are_numpy_mean_and_var(view):
    x = view.features.astype(np.float64)                                   # (N, C, 28, 28)
    np.testing.assert_allclose(view.batch_mean, x.mean(axis=(0, 2, 3)), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(view.batch_var, x.var(axis=(0, 2, 3)), rtol=1e-4, atol=1e-6)
    c = view.channel
    assert f"data-testid='bn-mean'>{float(view.batch_mean[c]):.4g}<" in view.summary.object
    # the table lists every channel's batch mean
    for k in range(view.experiment.channels):
        assert f"<td>{float(view.batch_mean[k]):.3g}</td>" in view.stats.object


def test_train_output_is_the_batch_formula(view):
    e = view.experiment
    x = view.features.astype(np.float64)
    gamma, beta = e.bn.weight.data.astype(np.float64), e.bn.bias.data.astype(np.float64)
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(var + e.bn.eps) * gamma[None, :, None, None] + beta[None, :, None, None]
    np.testing.assert_allclose(view.output, expected, rtol=1e-4, atol=1e-5)


def test_eval_output_is_the_running_statistics_formula(view):
    view.fed = 3                                     # the running statistics have moved
    view.gamma = format_values(np.linspace(0.5, 1.5, view.experiment.channels))
    view.beta = format_values(np.linspace(-0.3, 0.3, view.experiment.channels))
    view.mode = "eval"
    e = view.experiment
    rm, rv = e.bn.running_mean.astype(np.float64), e.bn.running_var.astype(np.float64)
    assert not np.allclose(rm, 0) and not np.allclose(rv, 1)
    gamma, beta = parse_values(view.gamma, e.channels).astype(np.float64), parse_values(view.beta, e.channels)
    x = view.features.astype(np.float64)
    per = lambda v: np.asarray(v, dtype=np.float64)[None, :, None, None]  # noqa: E731
    expected = (x - per(rm)) / np.sqrt(per(rv) + e.bn.eps) * per(gamma) + per(beta)
    np.testing.assert_allclose(view.output, expected, rtol=1e-4, atol=1e-5)


def test_running_statistics_follow_the_momentum_rule(view):
    e, m = view.experiment, 0.3
    view.momentum = m
    rm, rv = np.zeros(e.channels), np.ones(e.channels)
    for number in range(3):
        x = e.features(view._batch_for(number).images).astype(np.float64)
        n = x.size // x.shape[1]
        rm = (1 - m) * rm + m * x.mean(axis=(0, 2, 3))
        rv = (1 - m) * rv + m * x.var(axis=(0, 2, 3)) * n / (n - 1)
    view.fed = 3
    np.testing.assert_allclose(e.bn.running_mean, rm, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(e.bn.running_var, rv, rtol=1e-4, atol=1e-6)
    assert len(view.running.source.data["fed"]) == 4
    # going back replays from the start
    view.fed = 1
    assert e.fed == 1 and len(e.history) == 1


def test_batch_size_and_digit_change_the_batch(view):
    before = view.summary.object
    view.batch_size = 32
    assert len(view.pick.labels) == 32 and view.features.shape[0] == 32
    assert view.summary.object != before
    view.digit = 7
    assert np.all(view.pick.labels == 7)


def test_predictions_in_both_modes(view):
    e = view.experiment
    from cnncore.train import predict_proba
    e.bn.eval()
    expected = np.argmax(predict_proba(e.model, view.pick.images), axis=1)
    np.testing.assert_array_equal(view.preds_eval, expected)
    changed = int(np.sum(view.preds_train != view.preds_eval))
    assert f"data-changed='{changed}'" in view.preds_text.object


def test_dropout_mask_fraction_and_scaling(view):
    view.p = 0.3
    mask = view.drop_mask
    assert mask is not None and mask.shape == view.drop_input.shape
    assert abs(mask.mean() - 0.7) < 0.01                      # tens of thousands of draws
    np.testing.assert_allclose(view.drop_output, np.where(mask, view.drop_input / 0.7, 0), rtol=1e-5, atol=1e-7)
    old = mask.copy()
    view.mask_seed += 1
    assert not np.array_equal(old, view.drop_mask)
    view.mode = "eval"
    assert view.drop_mask is None
    np.testing.assert_array_equal(view.drop_output, view.drop_input)
    assert t("batchnorm_lab_drop_eval", "en") in view.drop_text.object


def test_variance_shift_matches_the_dropout_formula(experiment):
    rng = np.random.default_rng(0)
    features = np.abs(rng.normal(0.5, 1.0, size=(64, 3, 8, 8))).astype(np.float64)
    p = 0.4
    a = variance_shift(features, p, "dropout_bn", batches=40, batch_size=32)
    b = variance_shift(features, p, "bn_dropout", batches=40, batch_size=32)
    ex, ex2 = features.mean(axis=(0, 2, 3)), (features ** 2).mean(axis=(0, 2, 3))
    plain, dropped = np.mean(ex2 - ex ** 2), np.mean(ex2 / (1 - p) - ex ** 2)
    assert a.seen_train == pytest.approx(dropped, rel=0.1)
    assert a.seen_eval == pytest.approx(plain, rel=0.1)
    assert a.shift < 0.9 and a.after_eval < 0.9                  # Dropout then BN: the variance shift
    assert b.shift == pytest.approx(1.0) and b.after_eval == pytest.approx(1.0, rel=0.05)
    assert b.out_train > 1.2 * b.out_eval                        # the shift moved past this BN


def test_order_panel_and_language(view):
    assert "data-testid='bn-order'" in view.order_table.object
    a = view.order_results["dropout_bn"]
    assert a.shift < 1
    view.lang = "zh"
    assert "批量" in view.summary.object and t("batchnorm_lab_order", "zh") in view.headings["order"].object
    assert view.batch_w.label == t("batchnorm_lab_batch_size", "zh")


def test_bad_gamma_in_link_shows_a_message(experiment):
    experiment.reset_running()
    view = BatchNormLab(experiment=experiment, gamma="1,2,oops")
    assert view._error.visible and "gamma" in view._error.object
    np.testing.assert_allclose(experiment.bn.weight.data, experiment.base_gamma)


def test_url_sync_maps_the_params(view):
    from panel.io.location import Location
    location = Location()
    view.sync_url(location)
    view.batch_size = 12
    assert location.query_params["batch_size"] == 12


def test_resnet_host_uses_its_trained_first_bn_layer():
    from cnncore.models import pretrained_models
    if "resnet_small" not in pretrained_models():
        pytest.skip("no resnet_small weights in this installation")
    e = BatchNormExperiment("auto")
    assert e.host == "resnet_small" and e.bn is e.model.bn1 and e.channels == 8
    np.testing.assert_array_equal(e.base_gamma, e.model.bn1.weight.data)
    pick = e.batch(0, 8)
    x, y = e.normalize(pick.images, training=False)
    rm, rv = (np.asarray(a, np.float64)[None, :, None, None] for a in (e.bn.running_mean, e.bn.running_var))
    g, b = (np.asarray(a, np.float64)[None, :, None, None] for a in (e.bn.weight.data, e.bn.bias.data))
    np.testing.assert_allclose(y, (x - rm) / np.sqrt(rv + e.bn.eps) * g + b, rtol=1e-4, atol=1e-5)
    # a batch of one digit: batch statistics (train mode) are not the population's
    ones = e.batch(0, 16, digit=1)
    assert np.mean(e.predict(ones.images, False) == 1) >= np.mean(e.predict(ones.images, True) == 1)
