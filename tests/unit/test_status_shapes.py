"""The status page's pictures: a day's bar color, the response-time sparkline."""

from __future__ import annotations

from datetime import date

from bot.status.shapes import SPARK_HEIGHT, SPARK_WIDTH, day_bar, sparkline

DAY = date(2026, 11, 4)


def test_a_bar_goes_green_to_red_by_minutes_down_grey_without_data_blue_in_maintenance():
    def css(down_min: float, observed_h: float = 24, maint_h: float = 0) -> str:
        return day_bar(
            DAY, down_s=down_min * 60, observed_s=observed_h * 3600, maintenance_s=maint_h * 3600
        ).css

    assert [css(0), css(3), css(20), css(90), css(300)] == ["ok", "d1", "d2", "d3", "d4"]
    assert css(0, observed_h=0) == "nodata"
    assert css(0, observed_h=10, maint_h=14) == "maint"
    assert css(5, observed_h=20, maint_h=4) == "d1"  # a short window does not hide the day
    assert day_bar(DAY, down_s=1800, observed_s=86400, maintenance_s=0).title == (
        "04 Nov: 30 min down"
    )
    assert day_bar(DAY, down_s=0, observed_s=0, maintenance_s=0).title == "04 Nov: no data"


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
