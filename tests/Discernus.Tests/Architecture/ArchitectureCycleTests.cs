using System.Text;
using Discernus.Configuration;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;

namespace Discernus.Tests.Architecture;

/// <summary>
/// The core library's namespaces form a graph without cycles, so each folder can be read, tested and changed with
/// only the folders below it in mind. The graph is read from the compiled IL (Mono.Cecil, as NetArchTest reads it):
/// signatures, base types, attributes and method bodies all count, since a call hidden in a body couples as much as
/// a field does.
/// </summary>
public sealed class ArchitectureCycleTests
{
    private const string Root = "Discernus";

    /// <summary>
    /// The intended layering, lowest first: each namespace may depend only on those listed before it. Content (hashes,
    /// content addresses), Concurrency (one computation shared by concurrent callers), Spelling (did-you-mean distances)
    /// and Configuration (the setting catalog) use nothing of ours but each other, so every other layer may use them; Offline (the lexicon and what the offline models share) sits on
    /// the gateway's contracts and is registered with it by the hosts above;
    /// Application, the one surface of the CLI and serve, sits on top.
    /// </summary>
    private static readonly string[] Layers =
    [
        "Discernus.Content", "Discernus.Concurrency", "Discernus.Spelling", "Discernus.Configuration", "Discernus.Telemetry", "Discernus.Experiments", "Discernus.Statistics",
        "Discernus.Artifacts", "Discernus.Provenance", "Discernus.Models", "Discernus.Offline", "Discernus.Calibration", "Discernus.Reports",
        "Discernus.Coordination", "Discernus.Batches", "Discernus.Agents", "Discernus.Orchestration", "Discernus.Health",
        "Discernus.Application",
    ];

    private static readonly string[] Foundations = ["Discernus.Content", "Discernus.Concurrency", "Discernus.Spelling", "Discernus.Configuration"];

    private static readonly Lazy<DependencyGraph> Graph = new(() => DependencyGraph.Read(typeof(SettingCatalog).Assembly.Location));

    [Fact]
    public void The_core_assembly_is_the_one_read()
    {
        Assert.Equal("Discernus.Core", typeof(SettingCatalog).Assembly.GetName().Name);
        Assert.True(Graph.Value.Namespaces.Count > 10, string.Join(", ", Graph.Value.Namespaces));
    }

    [Fact]
    public void No_namespace_of_the_core_library_depends_on_itself_through_others()
    {
        var cycles = Graph.Value.Cycles();
        Assert.True(cycles.Count == 0, "Namespace cycles in Discernus.Core:\n" + string.Join("\n", cycles.Select(Graph.Value.Describe)));
    }

    [Fact]
    public void Every_namespace_has_its_place_in_the_layers()
    {
        Assert.Equal(Layers.Order(StringComparer.Ordinal), Graph.Value.Namespaces.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_layer_depends_only_on_the_layers_below_it()
    {
        var problems = new List<string>();
        for (var i = 0; i < Layers.Length; i++)
        {
            var below = Layers.Take(i).ToHashSet(StringComparer.Ordinal);
            var edges = Graph.Value.Edges.GetValueOrDefault(Layers[i], []);
            problems.AddRange(edges.Keys.Where(n => !below.Contains(n)).Order(StringComparer.Ordinal).Select(n => $"{Layers[i]} -> {n}: {edges[n]}"));
        }

        Assert.True(problems.Count == 0, "Dependencies upwards:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Netarchtest_agrees_that_configuration_and_hashing_stand_alone()
    {
        var ours = Graph.Value.Namespaces.Where(n => !Foundations.Contains(n)).ToArray();
        foreach (var foundation in Foundations)
        {
            var result = Types.InAssembly(typeof(SettingCatalog).Assembly).That().ResideInNamespace(foundation)
                .ShouldNot().HaveDependencyOnAny(ours).GetResult();
            Assert.True(result.IsSuccessful, foundation + ": " + string.Join(", ", result.FailingTypeNames ?? []));
        }
    }

    /// <summary>Namespaces of the core assembly (sub-namespaces counted with their top folder) and who uses whom, with one example reference per edge.</summary>
    internal sealed class DependencyGraph
    {
        public required IReadOnlyList<string> Namespaces { get; init; }

        public required Dictionary<string, Dictionary<string, string>> Edges { get; init; }

        public static DependencyGraph Read(string assemblyPath)
        {
            using var module = ModuleDefinition.ReadModule(assemblyPath);
            var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var namespaces = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var type in module.GetTypes())
            {
                if (Folder(type) is not { } from)
                {
                    continue;
                }

                namespaces.Add(from);
                foreach (var used in Referenced(type))
                {
                    if (Folder(used) is { } to && to != from)
                    {
                        var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = new Dictionary<string, string>(StringComparer.Ordinal);
                        targets.TryAdd(to, $"{Outermost(type).FullName} uses {used.FullName}");
                    }
                }
            }

            return new DependencyGraph { Namespaces = [.. namespaces], Edges = edges };
        }

        /// <summary>Strongly connected groups of more than one namespace (Tarjan), each as one concrete cycle.</summary>
        public List<List<string>> Cycles()
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var low = new Dictionary<string, int>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            var onStack = new HashSet<string>(StringComparer.Ordinal);
            var groups = new List<List<string>>();
            var counter = 0;

            void Visit(string v)
            {
                index[v] = low[v] = counter++;
                stack.Push(v);
                onStack.Add(v);
                foreach (var w in Edges.GetValueOrDefault(v, []).Keys)
                {
                    if (!index.ContainsKey(w))
                    {
                        Visit(w);
                        low[v] = Math.Min(low[v], low[w]);
                    }
                    else if (onStack.Contains(w))
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }
                }

                if (low[v] == index[v])
                {
                    var group = new List<string>();
                    string w;
                    do
                    {
                        w = stack.Pop();
                        onStack.Remove(w);
                        group.Add(w);
                    }
                    while (w != v);
                    if (group.Count > 1)
                    {
                        groups.Add(group);
                    }
                }
            }

            foreach (var n in Namespaces.Where(n => !index.ContainsKey(n)))
            {
                Visit(n);
            }

            return groups.Select(ShortestCycle).ToList();
        }

        public string Describe(List<string> cycle)
        {
            var text = new StringBuilder(string.Join(" -> ", cycle.Append(cycle[0])));
            for (var i = 0; i < cycle.Count; i++)
            {
                text.Append("\n    ").Append(Edges[cycle[i]][cycle[(i + 1) % cycle.Count]]);
            }

            return text.ToString();
        }

        /// <summary>The shortest cycle through the group's first namespace, found breadth first within the group.</summary>
        private List<string> ShortestCycle(List<string> group)
        {
            var members = group.ToHashSet(StringComparer.Ordinal);
            var start = group.Min(StringComparer.Ordinal)!;
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>([start]);
            while (queue.Count > 0)
            {
                var v = queue.Dequeue();
                foreach (var w in Edges.GetValueOrDefault(v, []).Keys.Where(members.Contains).Order(StringComparer.Ordinal))
                {
                    if (w == start)
                    {
                        var path = new List<string> { v };
                        while (path[^1] != start)
                        {
                            path.Add(previous[path[^1]]);
                        }

                        path.Reverse();
                        return path;
                    }

                    if (previous.TryAdd(w, v))
                    {
                        queue.Enqueue(w);
                    }
                }
            }

            return group;
        }

        internal static TypeReference Outermost(TypeReference type)
        {
            while (type.DeclaringType is { } outer)
            {
                type = outer;
            }

            return type;
        }

        /// <summary>Discernus.X for any type of ours (nested and compiler-generated types count with their outer type); null for others.</summary>
        internal static string? Folder(TypeReference? type)
        {
            if (type is null)
            {
                return null;
            }

            while (type is TypeSpecification spec)
            {
                type = spec.ElementType;
            }

            if (type is GenericParameter)
            {
                return null;
            }

            var ns = Outermost(type).Namespace;
            var parts = ns.Split('.');
            return parts.Length >= 2 && parts[0] == Root ? parts[0] + "." + parts[1] : null;
        }

        internal static IEnumerable<TypeReference> Referenced(TypeDefinition type)
        {
            var found = new List<TypeReference>();

            void Add(TypeReference? t)
            {
                switch (t)
                {
                    case null:
                        return;
                    case GenericInstanceType generic:
                        found.Add(generic.ElementType);
                        foreach (var argument in generic.GenericArguments)
                        {
                            Add(argument);
                        }

                        return;
                    case TypeSpecification spec:
                        Add(spec.ElementType);
                        return;
                    default:
                        found.Add(t);
                        return;
                }
            }

            void AddAttributes(ICustomAttributeProvider provider)
            {
                foreach (var attribute in provider.CustomAttributes)
                {
                    Add(attribute.AttributeType);
                    foreach (var argument in attribute.ConstructorArguments)
                    {
                        Add(argument.Type);
                        if (argument.Value is TypeReference typeArgument)
                        {
                            Add(typeArgument);
                        }
                    }
                }
            }

            void AddMethod(MethodReference method)
            {
                Add(method.DeclaringType);
                Add(method.ReturnType);
                foreach (var parameter in method.Parameters)
                {
                    Add(parameter.ParameterType);
                }

                if (method is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments)
                    {
                        Add(argument);
                    }
                }
            }

            Add(type.BaseType);
            AddAttributes(type);
            foreach (var implemented in type.Interfaces)
            {
                Add(implemented.InterfaceType);
            }

            foreach (var field in type.Fields)
            {
                Add(field.FieldType);
                AddAttributes(field);
            }

            foreach (var property in type.Properties)
            {
                Add(property.PropertyType);
                AddAttributes(property);
            }

            foreach (var method in type.Methods)
            {
                AddMethod(method);
                AddAttributes(method);
                if (!method.HasBody)
                {
                    continue;
                }

                foreach (var variable in method.Body.Variables)
                {
                    Add(variable.VariableType);
                }

                foreach (var instruction in method.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case TypeReference t:
                            Add(t);
                            break;
                        case MethodReference m:
                            AddMethod(m);
                            break;
                        case FieldReference f:
                            Add(f.DeclaringType);
                            Add(f.FieldType);
                            break;
                        case CallSite c:
                            Add(c.ReturnType);
                            break;
                    }
                }
            }

            return found;
        }
    }
}
