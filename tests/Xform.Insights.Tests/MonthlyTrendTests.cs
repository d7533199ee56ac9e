namespace Xform.Insights.Tests;

/// <summary>The monthly trend's calendar: gaps filled, changes against the calendar month before, the partial month.</summary>
public sealed class MonthlyTrendTests
{
    [Test]
    public void A_month_without_lines_is_zero_and_the_change_after_it_is_null()
    {
        var months = InsightsLoader.MonthlyTrend(
            [("2011-03-01", 150, 3, 3), ("2011-01-01 00:00:00", 100, 2, 2)], "2011-04-01");
        Assert.That(months.Select(m => m.Month), Is.EqualTo(new[] { "2011-01-01", "2011-02-01", "2011-03-01" }));
        Assert.Multiple(() =>
        {
            Assert.That(months[0].RevenueChange, Is.Null, "nothing before the first month");
            Assert.That(months[1].Revenue, Is.Zero);
            Assert.That(months[1].RevenueChange, Is.EqualTo(-1.0), "a month without sales is a 100% fall");
            Assert.That(months[2].RevenueChange, Is.Null, "no change from zero");
            Assert.That(months.Any(m => m.Partial), Is.False, "lines up to 2011-03-31 make March whole");
        });
    }

    [Test]
    public void The_month_of_the_snapshot_dates_previous_day_is_partial_unless_that_day_ends_it()
    {
        var rows = new (string, double, double, double)[] { ("2011-11-01", 10, 1, 1), ("2011-12-01", 20, 2, 2) };
        Assert.That(InsightsLoader.MonthlyTrend(rows, "2011-12-10").Select(m => m.Partial), Is.EqualTo(new[] { false, true }));
        Assert.That(InsightsLoader.MonthlyTrend(rows, "2012-01-01").Select(m => m.Partial), Is.EqualTo(new[] { false, false }));
        var changes = InsightsLoader.MonthlyTrend(rows, null);
        Assert.That(changes[1].RevenueChange, Is.EqualTo(1.0));
        Assert.That(changes[1].OrdersChange, Is.EqualTo(1.0));
    }
}
