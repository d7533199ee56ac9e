using Xform.Core.Diagnostics;

namespace Xform.Core.Tests.Diagnostics;

public class XformAggregateExceptionTests
{
    [Test]
    public void An_error_several_nodes_ran_into_at_one_place_is_said_once()
    {
        var inMacro = new SourceLocation("macros/helpers.sql", 15, 3);
        XformException[] errors =
        [
            new("'x' is undefined (in macro 'm')", inMacro),
            new("ref to a model that does not exist", new SourceLocation("models/a.sql", 2, 8)),
            new("'x' is undefined (in macro 'm')", inMacro),
            new("'x' is undefined (in macro 'm')", new SourceLocation("macros/helpers.sql", 20, 3)),
        ];
        var aggregate = new XformAggregateException(errors);
        Assert.That(aggregate.Format().Split(Environment.NewLine), Is.EqualTo(new[]
        {
            "macros/helpers.sql:15:3: error: 'x' is undefined (in macro 'm')",
            "models/a.sql:2:8: error: ref to a model that does not exist",
            "macros/helpers.sql:20:3: error: 'x' is undefined (in macro 'm')",
        }));
        Assert.That(aggregate.Errors, Has.Count.EqualTo(3));
        Assert.That(aggregate.Location, Is.EqualTo(inMacro));
    }
}
