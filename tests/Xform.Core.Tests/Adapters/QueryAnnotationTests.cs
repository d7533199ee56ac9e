using Xform.Core.Adapters;

namespace Xform.Core.Tests.Adapters;

/// <summary>Where dbt puts the query comment: before the statement, or after it and before a final semicolon.</summary>
public class QueryAnnotationTests
{
    [Test]
    public void Prepended_by_default_on_a_line_of_its_own()
    {
        var a = new QueryAnnotation("c", Append: false);
        Assert.That(a.Apply("select 1"), Is.EqualTo("/* c */\nselect 1"));
        Assert.That(a.PrefixLength, Is.EqualTo("/* c */\n".Length));
    }

    [Test]
    public void Appended_before_the_final_semicolon()
    {
        var a = new QueryAnnotation("c", Append: true);
        Assert.That(a.Apply("select 1;  \n"), Is.EqualTo("select 1\n/* c */;"));
        Assert.That(a.Apply("select 1"), Is.EqualTo("select 1\n/* c */"));
        Assert.That(a.PrefixLength, Is.Zero);
    }

    [Test]
    public void No_comment_and_blank_statements_are_left_as_they_are()
    {
        Assert.That(new QueryAnnotation(null, false).Apply("select 1"), Is.EqualTo("select 1"));
        Assert.That(new QueryAnnotation("", true).Apply("select 1"), Is.EqualTo("select 1"));
        Assert.That(new QueryAnnotation("c", false).Apply("  "), Is.EqualTo("  "));
    }
}
