"""The slider menu of a direction that comes with the model offers no Delete it would refuse."""
from __future__ import annotations

import pytest

from conftest import UI_TIMEOUT
from test_directions_shared import saved_rows, with_a_picture


@pytest.fixture()
def two_own(qtbot, window, model_dir, image_files):
    """The user's directions "a" and "b" saved for the tiny VAE, loaded with it, and a picture to edit."""
    dim = window.document.directions("vae").basis.shape[1]
    saved_rows(dim, ("a", "b"))
    with_a_picture(qtbot, window, model_dir, image_files[0])
    return window.directions_tool.builtin["vae"]  # the row of "a"; "b" is the next one


def test_the_menu_of_a_direction_that_comes_with_the_model_offers_no_delete(qtbot, window, two_own):
    k, sliders = two_own, window.sliders

    def actions(row):
        return {a.text(): a for a in sliders.context_menu(row).actions()}
    builtin = actions(0)
    assert list(builtin) == ["Rename for this session…", "Delete (comes with the model)"]
    assert builtin["Rename for this session…"].isEnabled() and not builtin["Delete (comes with the model)"].isEnabled()
    assert "comes with the model" in builtin["Delete (comes with the model)"].toolTip()
    assert "comes with the model" in sliders._names[0].toolTip()
    own = actions(k)
    assert list(own) == ["Rename…", "Delete"] and all(a.isEnabled() for a in own.values())
    assert "rename or delete" in sliders._names[k].toolTip()
    window.last_error = ""
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        own["Delete"].trigger()  # still deletes
    assert "a" not in sliders.labels() and window.last_error == ""
