"""The logo is prepared once: flattened onto white, scaled to print resolution, kept as JPEG."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from desktop.documents.logo import logo_size, prepared_logo
from desktop.documents.style import LOGO_MAX_HEIGHT, LOGO_MAX_WIDTH


def encoded(image: Image.Image, kind: str) -> bytes:
    data = BytesIO()
    image.save(data, kind)
    return data.getvalue()


def test_large_transparent_logo_is_scaled_to_300_dpi_on_white() -> None:
    logo = prepared_logo(encoded(Image.new("RGBA", (4000, 1000), (0, 0, 0, 0)), "PNG"))
    assert logo is not None
    width, height = logo.getSize()
    printed_width, _ = logo_size(4000, 1000)
    assert width == round(printed_width / 72 * 300) and height == round(width / 4)
    assert logo.getRGBData()[:3] == b"\xff\xff\xff"  # transparent became paper white


def test_small_logo_keeps_its_pixels() -> None:
    logo = prepared_logo(encoded(Image.new("P", (120, 40)), "GIF"))
    assert logo is not None and logo.getSize() == (120, 40)


@pytest.mark.parametrize(("width", "height"), [(1000, 100), (100, 1000), (600, 200)])
def test_logo_fits_its_box(width: int, height: int) -> None:
    printed_width, printed_height = logo_size(width, height)
    assert printed_width <= LOGO_MAX_WIDTH + 1e-6 and printed_height <= LOGO_MAX_HEIGHT + 1e-6
    assert printed_width / printed_height == pytest.approx(width / height)


def test_not_an_image() -> None:
    assert prepared_logo(b"GIF89a broken") is None
