"""The summary for governors: its figures are right, whatever the incidents."""

from types import SimpleNamespace

import pytest

from esafety_wizard.documents import governors_summary


@pytest.mark.parametrize(
    "days, said",
    [
        ([2, 5], "Closed in a median of 3.5 days (fastest 2, slowest 5)."),
        ([2, 3, 9], "Closed in a median of 3 days (fastest 2, slowest 9)."),
        ([4], "Closed in a median of 4 days (fastest 4, slowest 4)."),
    ],
)
def test_the_median_time_to_close_is_a_true_median(days, said):
    assert governors_summary._closing(SimpleNamespace(days_to_close=days)) == said
