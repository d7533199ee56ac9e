using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Planning;
using Xform.Core.Project;

namespace Xform.Core.Tests.Planning;

public class PlannerTests
{
    // source raw.orders -> stg_orders -> eph (ephemeral) -> orders -> report ; seed countries -> orders ; other alone
    // tests: not_null_stg_orders_id (stg_orders), unique_orders_id (orders), relationships_orders_countries (orders
    // and countries, a model and its parent), accepted_countries (countries)
    static readonly DependencyGraph Graph = DependencyGraph.Build(TestManifests.Of(
        TestManifests.Source("raw", "orders"),
        TestManifests.Seed("countries"),
        TestManifests.Model("stg_orders", "models/staging/stg_orders.sql", []) with
        {
            SourceRefs = [new Reference("orders", null, new SourceLocation("models/staging/stg_orders.sql", 1, 15), "raw")],
        },
        TestManifests.Model("eph", "models/staging/eph.sql", ["stg_orders"], new() { ["materialized"] = "ephemeral" }),
        TestManifests.Model("orders", "models/marts/orders.sql", ["eph", "countries"], new() { ["materialized"] = "table" }),
        TestManifests.Model("report", "models/marts/report.sql", ["orders"]),
        TestManifests.Model("other", "models/marts/other.sql", []),
        TestManifests.Test("not_null_stg_orders_id", "stg_orders"),
        TestManifests.Test("unique_orders_id", "orders"),
        TestManifests.Test("relationships_orders_countries", "orders", "countries"),
        TestManifests.Test("accepted_countries", "countries")));

    static readonly ResourceType[] Run = [ResourceType.Model];
    static readonly ResourceType[] TestOnly = [ResourceType.Test];
    static readonly ResourceType[] Build = [ResourceType.Model, ResourceType.Seed, ResourceType.Snapshot, ResourceType.Test];

    static PlanRequest Request(ResourceType[] types, string select = "", string exclude = "", DeferRequest? defer = null, string[]? only = null) =>
        new("cmd", types, select.Length == 0 ? [] : select.Split(' '), exclude.Length == 0 ? [] : exclude.Split(' '), defer, only);

    static string[] Names(IEnumerable<Node> nodes) => nodes.Select(n => n.Name).ToArray();

    static string[] Selected(PlanRequest request) => Names(Planner.Select(Graph, request, null));

    static ExecutionPlan Plan(PlanRequest request) => Planner.Build(Graph, request, null);

    /// <summary>The id of the model, seed or test <paramref name="name"/> (the source table orders shares a name).</summary>
    static string Id(string name) => Graph.Manifest.Nodes.Values.Single(n => n.Name == name && n.ResourceType != ResourceType.Source).UniqueId;

    [Test]
    public void Select_keeps_the_requested_resource_types_in_graph_order()
    {
        var ids = Planner.Select(Graph, Request(Run), null).Select(n => n.UniqueId).ToList();
        Assert.That(ids.Select(id => Graph.Manifest.Nodes[id].Name), Is.EquivalentTo(new[] { "stg_orders", "eph", "orders", "report", "other" }));
        Assert.That(ids, Is.EqualTo(Graph.Order.Where(ids.Contains)), "in graph order");
        Assert.That(ids.IndexOf(Id("stg_orders")), Is.LessThan(ids.IndexOf(Id("orders"))));
    }

    [Test]
    public void A_small_selection_of_a_large_graph_comes_in_graph_order_too()
    {
        // A chain z47 -> z46 -> ... -> z00 whose ids sort against the graph order (z47 first), and five of its models selected:
        // fewer than an eighth of the graph, so they are ordered by their positions rather than by a pass over the graph.
        var models = Enumerable.Range(0, 48).Select(i => TestManifests.Model($"z{47 - i:D2}", $"models/z{47 - i:D2}.sql", i == 0 ? [] : [$"z{48 - i:D2}"])).ToArray();
        var graph = DependencyGraph.Build(TestManifests.Of(models));
        var request = new PlanRequest("cmd", Run, ["z05", "z30", "z17", "z20+1"], []);

        var names = Names(Planner.Select(graph, request, null));

        Assert.That(names, Is.EqualTo(new[] { "z30", "z20", "z19", "z17", "z05" }), "parents before children: z47 is the chain's root");
        Assert.That(Names(Planner.Select(graph, new PlanRequest("cmd", Run, ["z*"], []), null)),
            Is.EqualTo(graph.OrderedNodes.Select(n => n.Name)), "a whole selection, by the pass over the graph, in the same order");
    }

    [Test]
    public void No_resource_types_means_every_type()
    {
        Assert.That(Selected(Request([])), Has.Length.EqualTo(Graph.Manifest.Nodes.Count));
    }

    [Test]
    public void A_test_comes_along_when_any_node_it_reads_is_selected()
    {
        Assert.That(Selected(Request(Build, "orders")), Is.EquivalentTo(new[] { "orders", "unique_orders_id", "relationships_orders_countries" }));
        Assert.That(Selected(Request(Build, "countries")), Is.EquivalentTo(new[] { "countries", "accepted_countries", "relationships_orders_countries" }));
    }

    [Test]
    public void An_indirectly_selected_test_runs_after_what_it_reads()
    {
        var names = Selected(Request(Build, "orders"));
        Assert.That(Array.IndexOf(names, "orders"), Is.LessThan(Array.IndexOf(names, "unique_orders_id")));
    }

    [Test]
    public void The_test_command_selects_the_tests_of_the_selected_nodes_only()
    {
        Assert.That(Selected(Request(TestOnly, "stg_orders")), Is.EqualTo(new[] { "not_null_stg_orders_id" }));
    }

    [Test]
    public void No_test_comes_along_when_the_command_does_not_run_tests()
    {
        Assert.That(Selected(Request(Run, "orders")), Is.EqualTo(new[] { "orders" }));
    }

    [Test]
    public void An_excluded_test_stays_out()
    {
        Assert.That(Selected(Request(Build, "orders", "unique_orders_id")), Is.EquivalentTo(new[] { "orders", "relationships_orders_countries" }));
    }

    [Test]
    public void The_tests_of_an_excluded_node_go_out_with_it()
    {
        // dbt: `dbt test --exclude orders` runs every test except those associated with orders.
        Assert.That(Selected(Request(TestOnly, exclude: "orders")), Is.EquivalentTo(new[] { "not_null_stg_orders_id", "accepted_countries" }));
        // A test that reads an excluded node and a selected one stays out too (eager, both ways).
        Assert.That(Selected(Request(Build, "orders countries", "countries")), Is.EquivalentTo(new[] { "orders", "unique_orders_id" }));
    }

    [Test]
    public void Only_ids_replace_the_selection_and_ids_not_in_the_manifest_are_ignored()
    {
        var request = Request(Build, "report", only: [Id("orders"), "model.proj.dropped_since", Id("unique_orders_id")]);
        Assert.That(Selected(request), Is.EqualTo(new[] { "orders", "unique_orders_id" }));
    }

    [Test]
    public void Only_ids_are_taken_as_they_are_restricted_to_the_types()
    {
        Assert.That(Selected(Request(Build, only: [Id("orders")])), Is.EqualTo(new[] { "orders" }), "no test comes along");
        Assert.That(Selected(Request(Run, only: [Id("orders"), Id("unique_orders_id")])), Is.EqualTo(new[] { "orders" }));
    }

    [Test]
    public void Build_leaves_out_sources_and_ephemeral_models()
    {
        var request = Request([.. Build, ResourceType.Source], "+orders");
        var selected = Planner.Select(Graph, request, null);
        Assert.That(selected.Select(n => n.UniqueId), Does.Contain(Id("eph")).And.Contain("source.proj.raw.orders"), "selected, as compile and ls list them");
        var plan = Plan(request);
        Assert.That(Names(plan.Nodes), Is.EquivalentTo(new[] { "countries", "stg_orders", "orders", "unique_orders_id", "relationships_orders_countries",
            "not_null_stg_orders_id", "accepted_countries" }));
        Assert.That(plan.Nodes, Has.All.Matches<Node>(n => n.IsExecutable));
        Assert.That(plan.Ids, Is.EqualTo(plan.Nodes.Select(n => n.UniqueId)));
    }

    [Test]
    public void In_build_a_node_waits_for_the_tests_of_the_nodes_it_reads()
    {
        var plan = Plan(Request(Build));
        Assert.That(plan.GatesOf(Id("report")), Is.EquivalentTo(new[] { Id("unique_orders_id"), Id("relationships_orders_countries") }));
        Assert.That(plan.GatesOf(Id("orders")), Is.EquivalentTo(new[] { Id("accepted_countries"), Id("not_null_stg_orders_id") }),
            "through the ephemeral model between stg_orders and orders");
        Assert.That(plan.GatesOf(Id("unique_orders_id")), Is.Empty, "a test waits for nothing but what it reads");
        Assert.That(plan.GatesOf(Id("other")), Is.Empty);
    }

    [Test]
    public void A_test_of_a_model_and_its_ancestor_does_not_gate_the_model_itself()
    {
        // relationships_orders_countries is a test of countries, which orders reads, but it also reads orders:
        // orders waiting for it would be a cycle. orders still waits for the other test of countries.
        var plan = Plan(Request(Build, "countries+"));
        Assert.That(plan.Ids, Does.Contain(Id("relationships_orders_countries")).And.Contain(Id("orders")));
        Assert.That(plan.GatesOf(Id("orders")), Is.EqualTo(new[] { Id("accepted_countries") }));
        Assert.That(plan.GatesOf(Id("report")), Does.Contain(Id("relationships_orders_countries")));
    }

    [Test]
    public void Only_selected_tests_gate()
    {
        var plan = Plan(Request(Build, "", "unique_orders_id"));
        Assert.That(plan.GatesOf(Id("report")), Is.EqualTo(new[] { Id("relationships_orders_countries") }));
    }

    [Test]
    public void Nodes_wait_for_tests_only_when_the_command_runs_tests_and_something_else()
    {
        Assert.That(Plan(Request(Build)).TestGates, Is.Not.Empty);
        Assert.That(Plan(Request([ResourceType.Model, ResourceType.Test])).TestGates, Is.Not.Empty);
        Assert.That(Plan(Request(Run)).TestGates, Is.Empty, "run has no tests");
        Assert.That(Plan(Request(TestOnly)).TestGates, Is.Empty, "test builds nothing that could wait");
    }

    /// <summary>The state run built every node but <c>other</c> in schema prod; this target has only main.orders.</summary>
    static DeferRequest Defer(bool favorState, Action? listed = null) => new(
        id => Graph.Manifest.Nodes[id].Name == "other" ? null : Graph.Manifest.Nodes[id].Relation with { Schema = "prod" },
        () => { listed?.Invoke(); return new HashSet<(string, string)> { ("main", "orders") }; },
        favorState);

    [Test]
    public void Defer_reads_an_unselected_node_this_target_lacks_from_the_state()
    {
        var plan = Plan(Request(Run, "report", defer: Defer(favorState: false)));
        Assert.That(plan.Deferred.Keys, Is.EquivalentTo(new[] { Id("stg_orders"), Id("countries") }),
            "orders exists here; eph is ephemeral; other is not in the state; report is selected");
        Assert.That(plan.Deferred[Id("stg_orders")], Is.EqualTo(new RelationName(null, "prod", "stg_orders")));
        Assert.That(plan.Deferred[Id("countries")], Is.EqualTo(new RelationName(null, "prod", "countries")));
    }

    [Test]
    public void Favor_state_defers_unselected_nodes_this_target_has_too_but_never_selected_or_ephemeral_ones()
    {
        var plan = Plan(Request(Run, "report", defer: Defer(favorState: true)));
        Assert.That(plan.Deferred.Keys, Is.EquivalentTo(new[] { Id("stg_orders"), Id("countries"), Id("orders") }));
        Assert.That(plan.Deferred[Id("orders")], Is.EqualTo(new RelationName(null, "prod", "orders")));
    }

    [Test]
    public void Defer_does_not_list_relations_when_nothing_is_selected()
    {
        var listed = 0;
        var plan = Plan(Request(Run, "tag:no_such_tag", defer: Defer(favorState: false, () => listed++)));
        Assert.That(plan.IsEmpty, Is.True);
        Assert.That(plan.Deferred, Is.Empty);
        Assert.That(listed, Is.Zero, "listing relations opens a connection");
        Plan(Request(Run, "report", defer: Defer(favorState: false, () => listed++)));
        Assert.That(listed, Is.EqualTo(1), "listed once when something is selected");
    }

    [Test]
    public void Only_the_deferred_relations_the_selection_reads_are_checked_through_ephemeral_models_and_favor_state_lists_nothing()
    {
        var listed = 0;
        IReadOnlyDictionary<string, RelationName>? checkedRead = null;
        var plan = Plan(Request(Run, "orders", defer: Defer(favorState: true, () => listed++) with { CheckRead = read => checkedRead = read }));
        Assert.That(plan.Deferred.Keys, Is.EquivalentTo(new[] { Id("stg_orders"), Id("countries"), Id("report") }));
        Assert.That(checkedRead!.Keys, Is.EquivalentTo(new[] { Id("stg_orders"), Id("countries") }),
            "orders reads stg_orders through the ephemeral eph, and countries; report is deferred but read by nothing selected");
        Assert.That(listed, Is.Zero, "--favor-state does not ask which relations this target has");
    }

    [Test]
    public void Without_defer_nothing_is_deferred()
    {
        Assert.That(Plan(Request(Run, "report")).Deferred, Is.Empty);
    }
}
