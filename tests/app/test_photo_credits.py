"""Every shipped picture is credited in both languages, and the two credits agree."""
import re

import pytest

from app.core.photo_credits import credit
from cnncore.photos import photo_names


@pytest.mark.parametrize("name", photo_names())
def test_the_chinese_credit_names_the_same_people_licence_and_links(name):
    en, zh = credit(name, "en"), credit(name, "zh")
    assert en != zh and re.search(r"[\u4e00-\u9fff]", zh)
    # Links and the sample's name are kept as they are; the licence is the same.
    for token in re.findall(r"https?://[^\s),]+|skimage\.data\.\w+|CC0", en):
        assert token in zh, (name, token)
    assert ("public domain" in en) == ("公有领域" in zh)


def test_the_convolution_lab_credits_its_photo_in_the_page_language():
    from app.views.conv.view import ConvLab
    view = ConvLab(source="photo", photo="chelsea")
    view.__panel__()
    assert "Stefan van der Walt" in view.photo_credit.object and "摄影" not in view.photo_credit.object
    view.lang = "zh"
    assert "摄影" in view.photo_credit.object
