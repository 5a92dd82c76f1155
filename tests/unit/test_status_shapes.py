"""The status page's response-time sparkline."""

from __future__ import annotations

from bot.status.shapes import SPARK_HEIGHT, SPARK_WIDTH, sparkline


def test_a_sparkline_spans_the_box_and_breaks_at_gaps():
    spark = sparkline([100, 200, None, 300, 100])
    assert spark is not None
    assert (spark.low_ms, spark.high_ms) == (100, 300)
    first, second = spark.lines
    assert first.startswith("0.0,") and first.count(",") == 2
    assert second.endswith(f"{SPARK_WIDTH:.1f},{SPARK_HEIGHT - 2:.1f}")  # the low end at the bottom
    assert f",{2:.1f}" in second  # the high end at the top


def test_a_sparkline_of_nothing_is_none_and_a_lone_point_still_draws():
    assert sparkline([None, None]) is None
    assert sparkline([]) is None
    spark = sparkline([None, 50, None])
    assert spark is not None and len(spark.lines) == 1 and " " in spark.lines[0]
