namespace Discernus.Statistics;

/// <summary>Names in a formula: comprehension variables, dimensions and their fields, and other derived metrics.</summary>
internal sealed partial class FormulaBinder
{
    private FormulaNode BindName(NameSyntax name)
    {
        var parts = name.Parts;
        var first = parts[0].Name;
        for (var i = _scope.Count - 1; i >= 0; i--)
        {
            var (variable, slot, type) = _scope[i];
            if (variable != first)
            {
                continue;
            }

            var node = new VariableNode(_text, name.Start, parts[0].Start + first.Length, variable, slot, type);
            if (parts.Count == 1)
            {
                return node;
            }

            if (parts.Count > 2 || type.Kind is not (FormulaKind.Dimension or FormulaKind.Unknown))
            {
                throw Error(name.Start, parts.Count > 2
                    ? $"'{Slice(name)}' has too many parts; expected {first}.<field>"
                    : $"'{first}' is {type.Describe()}, so it has no field '{parts[1].Name}'");
            }

            return Field(parts[1], name, null, field => new FieldNode(_text, name.Start, name.End, node, field));
        }

        if (first == "derived_metrics")
        {
            if (parts.Count != 2)
            {
                throw Error(name.Start, $"'{Slice(name)}' should be derived_metrics.<name>");
            }

            return Metric(name, parts[1]);
        }

        // `dimensional_scores.<dimension>.<field>` is the form of the original project's flagship frameworks (CFF, OPNIF).
        if (first is "dimensions" or "dimensional_scores" && parts.Count >= 2)
        {
            return parts.Count switch
            {
                2 => Dimension(name, parts[1], null),
                3 => Dimension(name, parts[1], parts[2]),
                _ => throw Error(name.Start, $"'{Slice(name)}' has too many parts; expected {first}.<dimension>.<field>"),
            };
        }

        if (parts.Count == 1 && _names.DerivedMetrics.Contains(first))
        {
            return Metric(name, parts[0]);
        }

        if (_dimensions?.Contains(first) ?? false)
        {
            return BareDimension(name);
        }

        if (parts.Count == 1 && first is "all_dimensions" or "total_weighted_score")
        {
            if (_names.Dimensions is null)
            {
                throw Error(name.Start, $"{first} needs the framework's dimensions, which this caller did not give");
            }

            foreach (var dimension in _names.Dimensions!)
            {
                ReadDimension(dimension);
            }

            return first == "all_dimensions"
                ? new AllDimensionsNode(_text, name.Start, name.End, _names.Dimensions!)
                : new TotalWeightedScoreNode(_text, name.Start, name.End, _names.Dimensions!);
        }

        if (_dimensions is null)
        {
            return BareDimension(name);
        }

        // "dimension.hope.raw_score": a misspelt prefix before a real dimension.
        if (parts.Count >= 2 && _dimensions.Contains(parts[1].Name))
        {
            throw Unknown(parts[0].Start, first, "a dimension, a derived metric or a variable of this formula", ["dimensions", "dimensional_scores"]);
        }

        throw Unknown(parts[0].Start, first, "a dimension, a derived metric or a variable of this formula");
    }

    /// <summary><c>hope</c> or <c>hope.salience</c>.</summary>
    private FormulaNode BareDimension(NameSyntax name) => name.Parts.Count switch
    {
        1 => Dimension(name, name.Parts[0], null),
        2 => Dimension(name, name.Parts[0], name.Parts[1]),
        _ => throw Error(name.Start, $"'{Slice(name)}' has too many parts; expected <dimension>.<field> or dimensions.<dimension>.<field>"),
    };

    private DerivedMetricReferenceNode Metric(NameSyntax name, (string Name, int Start) metric)
    {
        // Without the framework's dimensions the caller checks nothing, and an unknown metric fails when evaluated.
        if (_dimensions is not null && !_names.DerivedMetrics.Contains(metric.Name))
        {
            throw Unknown(metric.Start, metric.Name, "a derived metric of the framework", _names.DerivedMetrics);
        }

        if (!_readMetrics.Contains(metric.Name))
        {
            _readMetrics.Add(metric.Name);
        }

        return new DerivedMetricReferenceNode(_text, name.Start, name.End, metric.Name);
    }

    private FormulaNode Dimension(NameSyntax name, (string Name, int Start) dimension, (string Name, int Start)? field)
    {
        if (_dimensions is not null && !_dimensions.Contains(dimension.Name))
        {
            throw Unknown(dimension.Start, dimension.Name, "a dimension of the framework", _names.Dimensions!);
        }

        ReadDimension(dimension.Name);
        return field is { } f
            ? Field(f, name, dimension.Name, canonical => new DimensionReferenceNode(_text, name.Start, name.End, dimension.Name, canonical))
            : new DimensionReferenceNode(_text, name.Start, name.End, dimension.Name, DimensionValues.RawScoreField);
    }

    private FormulaNode Field((string Name, int Start) field, NameSyntax name, string? dimension, Func<string, FormulaNode> read)
    {
        switch (field.Name.ToLowerInvariant())
        {
            case "raw_score" or "score":
                return read(DimensionValues.RawScoreField);
            case "salience":
                return read(DimensionValues.SalienceField);
            case "confidence":
                return read(DimensionValues.ConfidenceField);
            case var other when _names.UnrecordedFields.Contains(other):
                if (!_unrecorded.Contains(other))
                {
                    _unrecorded.Add(other);
                }

                return new UnrecordedFieldNode(_text, name.Start, name.End, field.Name);
            default:
                throw Error(field.Start, $"unknown field '{field.Name}'{(dimension is null ? "" : $" of dimension '{dimension}'")}; expected one of {KnownFields}");
        }
    }

    private void ReadDimension(string dimension)
    {
        if (_readDimensionSet.Add(dimension))
        {
            _readDimensions.Add(dimension);
        }
    }
}
